package io.moraine.chaos.check;

import io.moraine.chaos.history.History;

/** A pure function from a history to a verdict. Checkers never perform I/O. */
public interface Checker {

  String name();

  CheckResult check(History history);
}
