// Messages between the benchmark driver (bench/run.ts) and its load generators (bench/load-generator.ts), over the
// child-process IPC channel (advanced serialization: typed arrays pass as they are).

export type TargetKind = 'parley' | 'relay';
/** How generators speak to Parley: a bare socket.io client (bench/wire-target.ts) or the SDK (bench/targets.ts). */
export type ParleyClientKind = 'wire' | 'sdk';

export interface GeneratorConfig {
  target: TargetKind;
  url: string;
  /** This generator's index and the run's id: user names are `b<runId>g<index>u<n>`. */
  index: number;
  runId: string;
  users: number;
  activeFraction: number;
  /** UTF-8 bytes of each message body (the timestamped header, padded). */
  messageBytes: number;
  /** Concurrent sign-ups / connections / setup requests in this generator. */
  concurrency: number;
  client: ParleyClientKind;
  /** Message bodies: real MLS PrivateMessages (and commits) of real groups, or plain text (bench/mls-traffic.ts). */
  body: BodyKind;
  /** With MLS bodies: one commit (fresh keys) per this many messages. 0: none. */
  commitEvery: number;
  /** Loopback source addresses the connections are spread over (each has its own ephemeral ports). */
  sourceAddresses: string[];
}

export type BodyKind = 'mls' | 'plain';

export type DriverCommand =
  | { type: 'setup'; config: GeneratorConfig }
  | { type: 'connect' }
  | { type: 'converse' }
  /** Before a step (not timed): with MLS bodies, encrypts the step's messages and commits ahead. */
  | { type: 'prepare'; step: number; rate: number; durationMs: number }
  | { type: 'step'; step: number; rate: number; durationMs: number; drainMs: number }
  | { type: 'final'; graceMs: number }
  | { type: 'stop' };

export interface StepReport {
  step: number;
  /** Sends started in the step window, acknowledged ones, and failed ones (error answer or exception). */
  sent: number;
  acked: number;
  failed: number;
  /** Sends neither acknowledged nor failed when the drain ended. */
  unacked: number;
  errorSamples: string[];
  /** send → deliver, ms, one sample per (message, member other than the sender). */
  latencies: Float64Array;
  /** send → acknowledgement, ms. */
  ackLatencies: Float64Array;
  /** Messages whose every member (the sender's own echo included) had it, within the step window / by the drain's end. */
  completedInWindow: number;
  completed: number;
  /** Per-recipient deliveries seen during the step window. */
  deliveriesInWindow: number;
  /** Acknowledged messages still missing at some member when the drain ended. */
  undeliveredAtDrain: number;
  duplicated: number;
  /** A member saw a conversation's sequence numbers other than 1, 2, 3, … */
  outOfOrder: number;
  /** Disconnects of this generator's connections during the step and its drain. */
  disconnects: number;
  windowMs: number;
}

/** After the final grace period: what never arrived, per step. */
export interface FinalStepReport {
  step: number;
  lost: number;
  unacked: number;
  duplicated: number;
  late: number;
}

export type GeneratorReport =
  | { type: 'progress'; phase: string; done: number; total: number }
  | { type: 'setupDone'; users: number }
  | { type: 'connected'; users: number; failed: number; errorSamples: string[] }
  | { type: 'conversing'; conversations: number; activeUsers: number; directs: number; groups: number; bodyBytes: number }
  | { type: 'prepared'; step: number; messages: number; commits: number; seconds: number }
  | { type: 'stepTick'; step: number; sent: number; acked: number; delivered: number }
  | { type: 'stepDone'; report: StepReport }
  | { type: 'finalDone'; steps: FinalStepReport[]; unknown: number }
  | { type: 'error'; message: string };

export function isGeneratorReport(m: unknown): m is GeneratorReport {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}

export function isDriverCommand(m: unknown): m is DriverCommand {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
