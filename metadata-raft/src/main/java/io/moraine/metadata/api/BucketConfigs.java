package io.moraine.metadata.api;

/**
 * A bucket with its sub-resources, read together (one linearizable read): what authorization
 * and every bucket feature of a request needs.
 */
public record BucketConfigs(Bucket bucket, Subresources configs) {}
