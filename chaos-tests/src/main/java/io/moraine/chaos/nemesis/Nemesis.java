package io.moraine.chaos.nemesis;

import java.io.IOException;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A kind of fault. {@link #plan} proposes one concrete fault from the seeded generator; the
 * scheduler checks it against the fault budget, injects it, holds it, and heals it.
 */
public interface Nemesis {

  String name();

  /**
   * A fault to inject now, or empty when this nemesis has nothing sensible to do.
   * {@code exceedBudget} asks for faults larger than DESIGN.md's budget.
   */
  Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException;
}
