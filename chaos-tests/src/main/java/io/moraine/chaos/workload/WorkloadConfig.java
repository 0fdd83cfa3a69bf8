package io.moraine.chaos.workload;

/**
 * What the clients do during a run.
 *
 * @param processes concurrent client threads (each one logical process at a time)
 * @param registerKeys keys of the register workload (reads, unique writes, deletes); few keys = more contention
 * @param setKeys keys of the create/delete + listing workload, all under one prefix
 * @param multipartKeys keys written by multipart uploads
 * @param multipartPartBytes size of the first part (S3's minimum for a non-last part is 5 MiB)
 * @param opTimeoutMillis client timeout of one small request; past it the outcome is unknown
 * @param multipartTimeoutMillis client timeout of one multipart request
 * @param thinkMillis pause between a process's operations (keeps 2 cores from saturating)
 * @param weightRegister relative share of register operations
 * @param weightSet relative share of create/delete/list operations
 * @param weightMultipart relative share of multipart uploads and their reads
 */
public record WorkloadConfig(int processes, int registerKeys, int setKeys, int multipartKeys, int multipartPartBytes,
    long opTimeoutMillis, long multipartTimeoutMillis, long thinkMillis, int weightRegister, int weightSet,
    int weightMultipart) {

  public static WorkloadConfig defaults() {
    return new WorkloadConfig(6, 4, 12, 2, 5 * 1024 * 1024, 5_000, 30_000, 20, 60, 30, 3);
  }

  public WorkloadConfig validate() {
    if (processes < 1 || registerKeys < 1 || setKeys < 1 || multipartKeys < 1) {
      throw new IllegalArgumentException("processes and key counts must be >= 1: " + this);
    }
    if (setKeys >= 1000) {
      throw new IllegalArgumentException("setKeys must stay under one listing page (1000), got " + setKeys);
    }
    if (opTimeoutMillis < 100 || multipartTimeoutMillis < opTimeoutMillis) {
      throw new IllegalArgumentException("timeouts too small or inverted: " + this);
    }
    if (weightRegister < 0 || weightSet < 0 || weightMultipart < 0 || weightRegister + weightSet + weightMultipart == 0) {
      throw new IllegalArgumentException("weights must be >= 0 and not all 0: " + this);
    }
    return this;
  }
}
