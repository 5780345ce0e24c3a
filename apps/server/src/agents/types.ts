// The contract between the chat runtime and the agents. An agent is a folder
// that exports an AgentDefinition; its tools do the work, and both engines
// (the LLM engine and the built-in one) call the same tools.
import type * as z from 'zod';
import type { AgentName, PendingAction } from '@lifeos/contract';
import type { AppContext } from '../context.ts';
import { DomainError, type ErrorCategory } from '../lib/errors.ts';
import type { ConversationNotes, ConversationState } from './conversation.ts';
import type { ChosenIntent } from './intents.ts';

export interface AgentUser {
  id: string;
  email: string;
  username: string | null;
  /** IANA zone; every date an agent shows or parses is in it. */
  timezone: string;
  /** The user's settings; `timeFormat` decides how replies write times. */
  settings?: { timeFormat?: '24h' | '12h' } | undefined;
}

/** Per-user, per-agent working state (the seed's agent_state row). */
export interface AgentStateStore {
  get<T extends Record<string, unknown>>(): Promise<T | undefined>;
  set(value: Record<string, unknown>): Promise<void>;
}

export interface ProposeActionInput {
  /** A kind the agent's `actions` map handles, e.g. `mail.send`. */
  kind: string;
  /** What will happen, in full (e.g. the whole draft), shown next to Confirm / Cancel. */
  summary: string;
  /** Everything needed to run it later; never a secret. */
  payload: Record<string, unknown>;
  ttlMs?: number;
}

/** What a tool or engine gets for one run; every call is scoped to `user`. */
export interface AgentContext {
  readonly app: AppContext;
  readonly user: AgentUser;
  readonly agentName: AgentName | null;
  /** The run's clock (the app clock, fixed for the run). */
  readonly now: Date;
  /** The user's chat message that started the run (provenance); null for a call from outside the chat (MCP). */
  readonly sourceMessageId: string | null;
  readonly signal: AbortSignal;
  readonly state: AgentStateStore;
  /** Stores an action that runs only when the user confirms; the reply carries it. */
  proposeAction(input: ProposeActionInput): Promise<PendingAction>;
  /** What the last turns showed (referents already expired are gone). */
  readonly conversation: ConversationState;
  /** Records what this turn showed or changed, for follow-ups; saved once at the end of the turn. */
  note(notes: ConversationNotes): void;
  /** The same run as another agent (its own state and actions), for work that spans agents. */
  forAgent(name: AgentName): AgentContext;
}

export interface ToolDef<I extends z.ZodType = z.ZodType, O = unknown> {
  /** snake_case; the name the model sees. */
  name: string;
  description: string;
  input: I;
  /** Validates permission and existence itself; never trusts the model. */
  execute(input: z.output<I>, ctx: AgentContext): Promise<O>;
}

/** Lets a heterogeneous list of tools be typed without losing each one's input type. */
export const defineTool = <I extends z.ZodType, O>(tool: ToolDef<I, O>): ToolDef<I, O> => tool;

export interface AgentReply {
  content: string;
  metadata?: Record<string, unknown>;
  /** The agent looked for what was asked and found nothing (not stored with the reply): the assistant may ask another agent. */
  foundNothing?: boolean;
}

export interface BuiltinRequest {
  /** The message as the user wrote it. */
  content: string;
  /** The message without the @mention, trimmed. */
  text: string;
  /** The row of the agent's intent table the classifier chose, with what it parsed (built-in engine). */
  intent?: ChosenIntent | null;
}

export interface AgentDefinition {
  name: AgentName;
  description: string;
  examples: string[];
  status(app: AppContext, userId: string): Promise<'ready' | 'needs_connection'>;
  /** System prompt of the LLM engine. */
  instructions: string;
  tools: ToolDef<z.ZodType, unknown>[];
  /** The deterministic engine used when no model is configured or it is unreachable. */
  builtin(request: BuiltinRequest, ctx: AgentContext): Promise<AgentReply>;
  /** Runs a confirmed pending action of this agent, by kind; returns the report. */
  actions: Record<string, (payload: Record<string, unknown>, ctx: AgentContext) => Promise<AgentReply>>;
}

/**
 * The domain error agents throw when only a message is known (e.g. "the mail server refused the login").
 * A shorthand: the runtime maps every DomainError the same way.
 */
export class AgentError extends DomainError {
  override name = 'AgentError';
  constructor(userMessage: string, options?: { cause?: unknown; code?: string; category?: ErrorCategory }) {
    super({ code: options?.code ?? 'agent_failed', category: options?.category ?? 'USER', userMessage, cause: options?.cause });
  }
}
