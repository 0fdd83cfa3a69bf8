package io.moraine.chaos.check;

/** A checker's answer. UNKNOWN: the search ran out of its time budget without finding an anomaly. */
public enum Validity {
  VALID,
  INVALID,
  UNKNOWN;

  public Validity and(Validity other) {
    if (this == INVALID || other == INVALID) {
      return INVALID;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : VALID;
  }
}
