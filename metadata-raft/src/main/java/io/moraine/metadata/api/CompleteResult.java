package io.moraine.metadata.api;

import java.util.List;
import java.util.Optional;

/** The committed object, the version it replaced, and the parts it did not use. */
public record CompleteResult(ObjectVersion committed, Optional<ObjectVersion> replaced, List<PartRecord> unusedParts) {}
