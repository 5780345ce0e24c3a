#!/usr/bin/env bash
# Installs the mail servers the mail tests run against (Debian's dovecot IMAP).
# Idempotent: does nothing when dovecot is already installed. The package's own
# service is never started (the tests start private instances on 127.0.0.1).
set -euo pipefail

if command -v dovecot >/dev/null 2>&1 && [ -x /usr/lib/dovecot/imap ]; then
  echo "dovecot-imapd already installed: $(dovecot --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd >/dev/null
echo "dovecot-imapd installed: $(dovecot --version)"
