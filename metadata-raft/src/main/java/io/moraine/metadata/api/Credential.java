package io.moraine.metadata.api;

/** An access key pair and the account it acts for. */
public record Credential(String accessKeyId, String secretKey, String accountId, String userName) {}
