package io.moraine.metadata.api;

import java.util.Optional;

/** The committed version and the version it replaced (whose data may now be collected). */
public record PutResult(ObjectVersion committed, Optional<ObjectVersion> replaced) {}
