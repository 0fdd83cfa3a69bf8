package io.moraine.chaos.history;

/** How an operation ended, as far as the client can tell. */
public enum Outcome {
  /** Acknowledged: it took effect (for reads: this is what was seen). */
  OK,
  /** Certainly not applied (a 4xx, or the request never reached a server). */
  FAIL,
  /** Unknown: timeout, reset or 5xx — it may have taken effect at any time after invocation, or never. */
  INFO
}
