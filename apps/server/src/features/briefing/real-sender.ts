// Which unread mail is worth a line in the morning: mail from a person, not from
// a machine. Without the headers at hand (List-Unsubscribe, Precedence) the
// sender's address says enough: no-reply, notification and newsletter mailboxes
// are machines.
const MACHINE_LOCAL = /^(no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|notify|alerts?|newsletters?|news|marketing|mailer[-_.]daemon|postmaster|bounces?|info|hello|team|support|billing|updates?|digest|automated|system|calendar|receipts?|orders?|accounts?)([-_.+].*)?$/i;
const MACHINE_DOMAIN = /(^|\.)(mailchimp|sendgrid|mailgun|amazonses|mandrillapp|hubspot|marketo|sparkpost|mcsv|rsgsv|substack|linkedin|facebookmail|github)\.(com|net|io)$/i;

export function isFromPerson(from: { name: string; address: string }): boolean {
  const [local = '', domain = ''] = from.address.toLowerCase().split('@');
  if (MACHINE_LOCAL.test(local) || MACHINE_DOMAIN.test(domain)) return false;
  return true;
}
