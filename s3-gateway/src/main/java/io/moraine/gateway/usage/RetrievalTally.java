package io.moraine.gateway.usage;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.RetrievalCount;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes this gateway's reads (GET, and the source of CopyObject / UploadPartCopy) served from
 * objects whose class charges retrieval per byte — STANDARD_IA, ONEZONE_IA, GLACIER_IR (S3
 * pricing, "Requests &amp; data retrievals"; restores of GLACIER / DEEP_ARCHIVE are counted by the
 * metadata tier when the copy is made) — summed per bucket and class in memory, so a GET costs
 * one counter increment and no Raft commit. {@link #flush} sends them as one RecordRetrieval
 * command per metadata group (the gateway flushes every few seconds).
 *
 * <p>Fault model: counts not yet flushed are lost with the process; a flush whose commit fails
 * is dropped (logged) rather than resent, since its outcome is unknown and a resend could count
 * it twice. Retrieval bytes are therefore a lower bound, short by at most one interval per crash.
 * Counted bytes are the ones the read was asked for (a range's length), as S3 bills them.
 */
public final class RetrievalTally {
  private static final Logger LOG = LoggerFactory.getLogger(RetrievalTally.class);
  /** The classes S3 charges GET retrieval for (the metadata core's UsageRules.retrievalCharged). */
  public static final Set<String> CHARGED = Set.of("STANDARD_IA", "ONEZONE_IA", "GLACIER_IR");

  private record Key(String bucket, String storageClass) {}

  private final ConcurrentHashMap<Key, LongAdder> pending = new ConcurrentHashMap<>();

  /** A read of {@code bytes} of an object of {@code storageClass} in {@code bucket}; free classes are ignored. */
  public void read(String bucket, String storageClass, long bytes) {
    if (bytes > 0 && storageClass != null && CHARGED.contains(storageClass)) {
      pending.computeIfAbsent(new Key(bucket, storageClass), k -> new LongAdder()).add(bytes);
    }
  }

  /** Takes the counts gathered so far (each exactly once, concurrent reads go to the next drain). */
  public List<RetrievalCount> drain() {
    List<RetrievalCount> out = new ArrayList<>();
    for (Map.Entry<Key, LongAdder> e : pending.entrySet()) {
      long bytes = e.getValue().sumThenReset();
      if (bytes > 0) {
        out.add(RetrievalCount.newBuilder().setBucket(e.getKey().bucket()).setStorageClass(e.getKey().storageClass())
            .setBytes(bytes).build());
      }
      // Idle entries stay: removing one could lose an add racing the removal. The map holds at most
      // one entry per bucket and charged class this gateway has read.
    }
    out.sort(java.util.Comparator.comparing(RetrievalCount::getBucket).thenComparing(RetrievalCount::getStorageClass));
    return out;
  }

  /** Sends what was gathered (nothing when there is nothing and {@code announce} is false). */
  public void flush(MetadataClient meta, long dayMillis, boolean announce) {
    List<RetrievalCount> counts = drain();
    if (counts.isEmpty() && !announce) {
      return;
    }
    try {
      meta.recordRetrieval(dayMillis, counts, announce);
    } catch (RuntimeException e) {
      LOG.warn("retrieval report of {} bucket-class counts failed, dropped (outcome unknown): {}", counts.size(),
          e.toString());
    }
  }
}
