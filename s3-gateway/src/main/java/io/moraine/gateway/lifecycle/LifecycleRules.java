package io.moraine.gateway.lifecycle;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3FilterXml;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.LifecycleConfiguration;
import io.moraine.proto.config.v1.LifecycleFilter;
import io.moraine.proto.config.v1.LifecycleFilterForm;
import io.moraine.proto.config.v1.LifecycleNoncurrentTransition;
import io.moraine.proto.config.v1.LifecycleRule;
import io.moraine.proto.config.v1.LifecycleTag;
import io.moraine.proto.config.v1.LifecycleTransition;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.w3c.dom.Element;

/**
 * A bucket's lifecycle configuration (S3 API Reference, PutBucketLifecycleConfiguration; S3 User
 * Guide, "Lifecycle configuration elements" and "Transitioning objects using Amazon S3
 * Lifecycle"): the LifecycleConfiguration document with S3's validation, and its stored form.
 *
 * <p>Error codes follow S3: what the published schema rejects (unknown elements, a missing
 * Status, both or neither of Filter and Prefix, more than one predicate outside And, a
 * StorageClass outside TransitionStorageClass — so nothing transitions back to STANDARD or
 * REDUCED_REDUNDANCY) is MalformedXML; value rules are InvalidArgument or InvalidRequest with S3's
 * message texts (the ones S3 answers; MinIO's internal/bucket/lifecycle copies several of them,
 * e.g. "'Date' must be at midnight GMT", "Rule ID must be unique. Found same ID for more than
 * one rule").
 */
public final class LifecycleRules {
  private LifecycleRules() {}

  public static final String KIND = "lifecycle";
  public static final int MAX_RULES = 1000;
  static final int MAX_ID_LENGTH = 255;
  static final int MAX_NEWER_NONCURRENT_VERSIONS = 100;
  private static final int FORMAT_VERSION = 1;
  public static final String MIN_SIZE_HEADER = "x-amz-transition-default-minimum-object-size";
  public static final String MIN_SIZE_ALL_128K = "all_storage_classes_128K";
  public static final String MIN_SIZE_VARIES = "varies_by_storage_class";
  /** Objects under 128 KiB are not transitioned by default (S3 User Guide, lifecycle transition constraints). */
  public static final long MIN_TRANSITION_SIZE_BYTES = 128 * 1024;

  /**
   * S3's lifecycle "waterfall" (User Guide, "Supported lifecycle transitions"): a class may only
   * transition to one further down; STANDARD is not a target, and DEEP_ARCHIVE goes nowhere.
   */
  static final List<String> WATERFALL = List.of(
      "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "INTELLIGENT_TIERING", "ONEZONE_IA", "GLACIER_IR", "GLACIER",
      "DEEP_ARCHIVE");
  /** The TransitionStorageClass enumeration of the S3 API model. */
  static final Set<String> TRANSITION_TARGETS = Set.of(
      "GLACIER", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "DEEP_ARCHIVE", "GLACIER_IR");
  /** Infrequent-access classes: at least 30 days before moving there (User Guide, transition constraints). */
  static final Set<String> IA_CLASSES = Set.of("STANDARD_IA", "ONEZONE_IA");

  /** Whether objects of {@code from} may be moved to {@code to} by a lifecycle rule. */
  public static boolean transitionAllowed(String from, String to) {
    int f = WATERFALL.indexOf(from);
    int t = WATERFALL.indexOf(to);
    if (f < 0 || t < 0 || !TRANSITION_TARGETS.contains(to)) {
      return false;
    }
    if (from.equals("REDUCED_REDUNDANCY")) {
      f = 0; // RRS moves like STANDARD
    }
    return t > f;
  }

  public static LifecycleConfiguration decode(byte[] body) {
    try {
      LifecycleConfiguration c = LifecycleConfiguration.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("lifecycle format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored lifecycle configuration", e);
    }
  }

  /** The header's value: absent means S3's default, {@value #MIN_SIZE_ALL_128K}. */
  public static String minimumSizeMode(java.util.Optional<String> header) {
    String v = header.map(String::strip).orElse(MIN_SIZE_ALL_128K);
    if (!v.equals(MIN_SIZE_ALL_128K) && !v.equals(MIN_SIZE_VARIES)) {
      throw new S3Exception(new S3Error.InvalidRequest("Invalid value for header " + MIN_SIZE_HEADER + ": " + v));
    }
    return v;
  }

  /**
   * Parses and validates a LifecycleConfiguration document.
   *
   * @param newId a fresh rule ID for rules given without one (S3 assigns one)
   */
  public static LifecycleConfiguration parseXml(byte[] body, String minimumSizeMode, Supplier<String> newId) {
    Element root = S3XmlRequests.parse(body, "LifecycleConfiguration");
    LifecycleConfiguration.Builder config = LifecycleConfiguration.newBuilder().setFormatVersion(FORMAT_VERSION)
        .setTransitionDefaultMinimumObjectSize(minimumSizeMode);
    List<Element> rules = S3XmlRequests.children(root);
    if (rules.isEmpty()) {
      throw malformed();
    }
    if (rules.size() > MAX_RULES) {
      throw new S3Exception(new S3Error.InvalidRequest(
          "The number of lifecycle rules must not exceed the allowed limit of " + MAX_RULES + " rules"));
    }
    Set<String> ids = new HashSet<>();
    for (Element ruleElement : rules) {
      if (!S3XmlRequests.localName(ruleElement).equals("Rule")) {
        throw malformed();
      }
      LifecycleRule rule = parseRule(ruleElement, newId);
      if (!ids.add(rule.getId())) {
        throw invalidArgument("Rule ID must be unique. Found same ID for more than one rule");
      }
      config.addRules(rule);
    }
    return config.build();
  }

  private static LifecycleRule parseRule(Element ruleElement, Supplier<String> newId) {
    LifecycleRule.Builder rule = LifecycleRule.newBuilder();
    String status = null;
    LifecycleFilter filter = null;
    boolean hasId = false;
    for (Element c : S3XmlRequests.children(ruleElement)) {
      String text = c.getTextContent().strip();
      switch (S3XmlRequests.localName(c)) {
        case "ID" -> {
          if (hasId) {
            throw malformed();
          }
          hasId = true;
          if (text.length() > MAX_ID_LENGTH) {
            throw invalidArgument("ID length should not exceed allowed limit of " + MAX_ID_LENGTH);
          }
          rule.setId(text);
        }
        case "Status" -> {
          if (status != null || !(text.equals("Enabled") || text.equals("Disabled"))) {
            throw malformed();
          }
          status = text;
        }
        case "Prefix" -> {
          if (filter != null) {
            throw malformed();
          }
          filter = LifecycleFilter.newBuilder().setForm(LifecycleFilterForm.LIFECYCLE_FILTER_LEGACY_PREFIX)
              .setPrefix(c.getTextContent()).setObjectSizeGreaterThan(-1).setObjectSizeLessThan(-1).build();
        }
        case "Filter" -> {
          if (filter != null) {
            throw malformed();
          }
          filter = parseFilter(c);
        }
        case "Transition" -> rule.addTransitions(parseTransition(c));
        case "Expiration" -> {
          if (rule.getHasExpiration()) {
            throw malformed();
          }
          parseExpiration(c, rule);
        }
        case "NoncurrentVersionTransition" -> rule.addNoncurrentTransitions(parseNoncurrentTransition(c));
        case "NoncurrentVersionExpiration" -> {
          if (rule.getHasNoncurrentExpiration()) {
            throw malformed();
          }
          parseNoncurrentExpiration(c, rule);
        }
        case "AbortIncompleteMultipartUpload" -> {
          if (rule.getAbortDaysAfterInitiation() != 0) {
            throw malformed();
          }
          rule.setAbortDaysAfterInitiation(positive(onlyChild(c, "DaysAfterInitiation"),
              "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"));
        }
        default -> throw malformed();
      }
    }
    if (status == null || filter == null) {
      throw malformed();
    }
    if (!hasId || rule.getId().isEmpty()) {
      rule.setId(newId.get());
    }
    rule.setEnabled(status.equals("Enabled")).setFilter(filter);
    checkRule(rule);
    return rule.build();
  }

  private static final String SIZE_GT = "ObjectSizeGreaterThan";
  private static final String SIZE_LT = "ObjectSizeLessThan";

  private static LifecycleFilter parseFilter(Element filterElement) {
    S3FilterXml.Filter parsed = S3FilterXml.parse(filterElement, Set.of(SIZE_GT, SIZE_LT));
    LifecycleFilter.Builder f = LifecycleFilter.newBuilder().setPrefix(parsed.prefix())
        .setObjectSizeGreaterThan(parsed.extra(SIZE_GT) == null ? -1 : size(parsed.extra(SIZE_GT)))
        .setObjectSizeLessThan(parsed.extra(SIZE_LT) == null ? -1 : size(parsed.extra(SIZE_LT)));
    parsed.tags().forEach(t -> f.addTags(LifecycleTag.newBuilder().setKey(t.key()).setValue(t.value())));
    f.setForm(switch (parsed.form()) {
      case NONE -> LifecycleFilterForm.LIFECYCLE_FILTER_EMPTY;
      case PREFIX -> LifecycleFilterForm.LIFECYCLE_FILTER_PREFIX;
      case TAG -> LifecycleFilterForm.LIFECYCLE_FILTER_TAG;
      case AND -> LifecycleFilterForm.LIFECYCLE_FILTER_AND;
      case EXTRA -> parsed.extra(SIZE_GT) != null ? LifecycleFilterForm.LIFECYCLE_FILTER_SIZE_GREATER_THAN
          : LifecycleFilterForm.LIFECYCLE_FILTER_SIZE_LESS_THAN;
    });
    if (f.getObjectSizeGreaterThan() >= 0 && f.getObjectSizeLessThan() >= 0
        && f.getObjectSizeGreaterThan() >= f.getObjectSizeLessThan()) {
      throw invalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
    }
    if (f.getForm() == LifecycleFilterForm.LIFECYCLE_FILTER_SIZE_LESS_THAN && f.getObjectSizeLessThan() == 0) {
      throw invalidArgument("ObjectSizeLessThan must be greater than 0");
    }
    return f.build();
  }

  private static long size(String text) {
    long v = number(text);
    if (v < 0) {
      throw invalidArgument("ObjectSize must be a non-negative integer");
    }
    return v;
  }

  private static LifecycleTransition parseTransition(Element e) {
    LifecycleTransition.Builder t = LifecycleTransition.newBuilder().setDays(-1);
    boolean days = false;
    for (Element c : S3XmlRequests.children(e)) {
      switch (S3XmlRequests.localName(c)) {
        case "Days" -> {
          if (days) {
            throw malformed();
          }
          days = true;
          long v = number(c.getTextContent());
          if (v < 0 || v > Integer.MAX_VALUE) {
            throw invalidArgument("'Days' in Transition action must be nonnegative");
          }
          t.setDays((int) v);
        }
        case "Date" -> {
          if (t.getHasDate()) {
            throw malformed();
          }
          t.setHasDate(true).setDateMillis(midnight(c.getTextContent()));
        }
        case "StorageClass" -> {
          if (!t.getStorageClass().isEmpty() || !TRANSITION_TARGETS.contains(c.getTextContent().strip())) {
            throw malformed();
          }
          t.setStorageClass(c.getTextContent().strip());
        }
        default -> throw malformed();
      }
    }
    if (days == t.getHasDate() || t.getStorageClass().isEmpty()) {
      throw malformed(); // exactly one of Days and Date, and a StorageClass
    }
    if (!days) {
      t.setDays(0);
    }
    return t.build();
  }

  private static void parseExpiration(Element e, LifecycleRule.Builder rule) {
    rule.setHasExpiration(true);
    int given = 0;
    for (Element c : S3XmlRequests.children(e)) {
      given++;
      switch (S3XmlRequests.localName(c)) {
        case "Days" -> {
          if (rule.getExpirationDays() != 0) {
            throw malformed();
          }
          rule.setExpirationDays(positive(c, "'Days' for Expiration action must be a positive integer"));
        }
        case "Date" -> {
          if (rule.getHasExpirationDate()) {
            throw malformed();
          }
          rule.setHasExpirationDate(true).setExpirationDateMillis(midnight(c.getTextContent()));
        }
        case "ExpiredObjectDeleteMarker" -> {
          if (rule.getHasExpiredObjectDeleteMarker()) {
            throw malformed();
          }
          String v = c.getTextContent().strip();
          if (!v.equals("true") && !v.equals("false")) {
            throw malformed();
          }
          rule.setHasExpiredObjectDeleteMarker(true).setExpiredObjectDeleteMarker(v.equals("true"));
        }
        default -> throw malformed();
      }
    }
    if (given != 1) {
      // Days, Date and ExpiredObjectDeleteMarker exclude each other (API Reference, LifecycleExpiration).
      throw malformed();
    }
  }

  private static LifecycleNoncurrentTransition parseNoncurrentTransition(Element e) {
    LifecycleNoncurrentTransition.Builder t = LifecycleNoncurrentTransition.newBuilder().setNoncurrentDays(-1);
    for (Element c : S3XmlRequests.children(e)) {
      switch (S3XmlRequests.localName(c)) {
        case "NoncurrentDays" -> {
          if (t.getNoncurrentDays() >= 0) {
            throw malformed();
          }
          long v = number(c.getTextContent());
          if (v < 0 || v > Integer.MAX_VALUE) {
            throw invalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative");
          }
          t.setNoncurrentDays((int) v);
        }
        case "NewerNoncurrentVersions" -> t.setNewerNoncurrentVersions(newer(c));
        case "StorageClass" -> {
          if (!t.getStorageClass().isEmpty() || !TRANSITION_TARGETS.contains(c.getTextContent().strip())) {
            throw malformed();
          }
          t.setStorageClass(c.getTextContent().strip());
        }
        default -> throw malformed();
      }
    }
    if (t.getNoncurrentDays() < 0 || t.getStorageClass().isEmpty()) {
      throw malformed();
    }
    return t.build();
  }

  private static void parseNoncurrentExpiration(Element e, LifecycleRule.Builder rule) {
    rule.setHasNoncurrentExpiration(true);
    boolean days = false;
    for (Element c : S3XmlRequests.children(e)) {
      switch (S3XmlRequests.localName(c)) {
        case "NoncurrentDays" -> {
          if (days) {
            throw malformed();
          }
          days = true;
          rule.setNoncurrentExpirationDays(positive(c,
              "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"));
        }
        case "NewerNoncurrentVersions" -> rule.setNewerNoncurrentVersions(newer(c));
        default -> throw malformed();
      }
    }
    if (!days) {
      throw malformed();
    }
  }

  private static int newer(Element c) {
    long v = number(c.getTextContent());
    if (v < 1 || v > MAX_NEWER_NONCURRENT_VERSIONS) {
      throw invalidArgument("NewerNoncurrentVersions must be between 1 and " + MAX_NEWER_NONCURRENT_VERSIONS);
    }
    return (int) v;
  }

  /** The cross-element rules of one rule: actions present, tag limits, the transition table. */
  private static void checkRule(LifecycleRule.Builder rule) {
    String where = describe(rule.getFilter());
    boolean anyAction = rule.getTransitionsCount() > 0 || rule.getHasExpiration()
        || rule.getNoncurrentTransitionsCount() > 0 || rule.getHasNoncurrentExpiration()
        || rule.getAbortDaysAfterInitiation() > 0;
    if (!anyAction) {
      throw invalidRequest("At least one action needs to be specified in a rule");
    }
    LifecycleFilter f = rule.getFilter();
    boolean tagsOrSize = f.getTagsCount() > 0 || f.getObjectSizeGreaterThan() >= 0 || f.getObjectSizeLessThan() >= 0;
    if (rule.getAbortDaysAfterInitiation() > 0 && tagsOrSize) {
      throw invalidRequest(f.getTagsCount() > 0
          ? "AbortIncompleteMultipartUpload cannot be specified with Tags."
          : "AbortIncompleteMultipartUpload cannot be specified with object size filters.");
    }
    if (rule.getHasExpiredObjectDeleteMarker() && f.getTagsCount() > 0) {
      throw invalidRequest("ExpiredObjectDeleteMarker cannot be specified with Tags.");
    }
    // Transitions: a class at most once, each allowed after what comes before it, IA after 30 days.
    boolean dateBased = rule.getTransitionsList().stream().anyMatch(LifecycleTransition::getHasDate);
    boolean daysBased = rule.getTransitionsList().stream().anyMatch(t -> !t.getHasDate());
    if (rule.getHasExpirationDate()) {
      dateBased = true;
    }
    if (rule.getExpirationDays() > 0) {
      daysBased = true;
    }
    if (dateBased && daysBased) {
      throw invalidRequest(
          "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule for " + where);
    }
    Set<String> classes = new HashSet<>();
    for (LifecycleTransition t : rule.getTransitionsList()) {
      if (!classes.add(t.getStorageClass())) {
        throw invalidArgument("'StorageClass' must be different for 'Transition' actions in same 'Rule' with " + where);
      }
      if (!t.getHasDate() && IA_CLASSES.contains(t.getStorageClass()) && t.getDays() < 30) {
        throw invalidArgument("'Days' in Transition action must be greater than or equal to 30 for storageClass '"
            + t.getStorageClass() + "'");
      }
    }
    List<LifecycleTransition> ordered = new ArrayList<>(rule.getTransitionsList());
    ordered.sort(Comparator.comparingLong(LifecycleRules::transitionKey));
    for (int i = 1; i < ordered.size(); i++) {
      LifecycleTransition before = ordered.get(i - 1);
      LifecycleTransition after = ordered.get(i);
      if (transitionKey(before) == transitionKey(after)
          || WATERFALL.indexOf(after.getStorageClass()) <= WATERFALL.indexOf(before.getStorageClass())) {
        throw invalidArgument("'" + (after.getHasDate() ? "Date" : "Days") + "' in the Transition action for StorageClass '"
            + after.getStorageClass() + "' for " + where + " must be later than the Transition action for StorageClass '"
            + before.getStorageClass() + "'");
      }
      // STANDARD_IA and ONEZONE_IA keep an object at least 30 days (their minimum storage duration).
      if (!after.getHasDate() && IA_CLASSES.contains(before.getStorageClass()) && after.getDays() - before.getDays() < 30) {
        throw invalidArgument("'Days' in the Transition action for StorageClass '" + after.getStorageClass() + "' for "
            + where + " must be 30 days more than 'Days' in the Transition action for StorageClass '"
            + before.getStorageClass() + "'");
      }
    }
    if (!ordered.isEmpty() && rule.getHasExpiration() && !rule.getHasExpiredObjectDeleteMarker()) {
      LifecycleTransition last = ordered.get(ordered.size() - 1);
      boolean ok = rule.getHasExpirationDate()
          ? rule.getExpirationDateMillis() > last.getDateMillis()
          : rule.getExpirationDays() > last.getDays();
      if (!ok) {
        throw invalidArgument("'" + (rule.getHasExpirationDate() ? "Date" : "Days") + "' in the Expiration action for "
            + where + " must be greater than '" + (rule.getHasExpirationDate() ? "Date" : "Days")
            + "' in the Transition action");
      }
    }
    classes.clear();
    List<LifecycleNoncurrentTransition> nct = new ArrayList<>(rule.getNoncurrentTransitionsList());
    for (LifecycleNoncurrentTransition t : nct) {
      if (!classes.add(t.getStorageClass())) {
        throw invalidArgument(
            "'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same 'Rule' with " + where);
      }
      if (IA_CLASSES.contains(t.getStorageClass()) && t.getNoncurrentDays() < 30) {
        throw invalidArgument("'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30"
            + " for storageClass '" + t.getStorageClass() + "'");
      }
    }
    nct.sort(Comparator.comparingInt(LifecycleNoncurrentTransition::getNoncurrentDays));
    for (int i = 1; i < nct.size(); i++) {
      if (nct.get(i).getNoncurrentDays() == nct.get(i - 1).getNoncurrentDays()
          || WATERFALL.indexOf(nct.get(i).getStorageClass()) <= WATERFALL.indexOf(nct.get(i - 1).getStorageClass())) {
        throw invalidArgument("'NoncurrentDays' in the NoncurrentVersionTransition action for StorageClass '"
            + nct.get(i).getStorageClass() + "' for " + where
            + " must be later than the NoncurrentVersionTransition action for StorageClass '"
            + nct.get(i - 1).getStorageClass() + "'");
      }
    }
    if (!nct.isEmpty() && rule.getHasNoncurrentExpiration()
        && rule.getNoncurrentExpirationDays() <= nct.get(nct.size() - 1).getNoncurrentDays()) {
      throw invalidArgument("'NoncurrentDays' in the NoncurrentVersionExpiration action for " + where
          + " must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action");
    }
  }

  private static long transitionKey(LifecycleTransition t) {
    return t.getHasDate() ? t.getDateMillis() : t.getDays();
  }

  /** S3's way of naming a rule's filter in messages: {@code filter '(prefix=logs/)'}. */
  static String describe(LifecycleFilter f) {
    if (f.getForm() == LifecycleFilterForm.LIFECYCLE_FILTER_LEGACY_PREFIX) {
      return "prefix '" + f.getPrefix() + "'";
    }
    StringBuilder s = new StringBuilder("filter '(prefix=").append(f.getPrefix());
    for (LifecycleTag t : f.getTagsList()) {
      s.append(", tag=").append(t.getKey()).append('=').append(t.getValue());
    }
    return s.append(")'").toString();
  }

  private static Element onlyChild(Element e, String name) {
    List<Element> children = S3XmlRequests.children(e);
    if (children.size() != 1 || !S3XmlRequests.localName(children.get(0)).equals(name)) {
      throw malformed();
    }
    return children.get(0);
  }

  private static int positive(Element e, String message) {
    long v = number(e.getTextContent());
    if (v <= 0 || v > Integer.MAX_VALUE) {
      throw invalidArgument(message);
    }
    return (int) v;
  }

  private static long number(String text) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw malformed();
    }
  }

  /** An ISO 8601 date that must be a midnight UTC (API Reference, LifecycleExpiration Date / Transition Date). */
  static long midnight(String text) {
    Instant at;
    String s = text.strip();
    try {
      at = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      try {
        at = java.time.LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw invalidArgument("Date must be provided in ISO 8601 format");
      }
    }
    if (at.toEpochMilli() % 86_400_000L != 0) {
      throw invalidArgument("'Date' must be at midnight GMT");
    }
    return at.toEpochMilli();
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }

  private static S3Exception invalidArgument(String message) {
    return new S3Exception(new S3Error.InvalidArgument(message));
  }

  private static S3Exception invalidRequest(String message) {
    return new S3Exception(new S3Error.InvalidRequest(message));
  }

  public static byte[] renderXml(LifecycleConfiguration c) {
    XmlWriter w = new XmlWriter().startRoot("LifecycleConfiguration");
    for (LifecycleRule r : c.getRulesList()) {
      w.start("Rule").element("ID", r.getId());
      renderFilter(w, r.getFilter());
      w.element("Status", r.getEnabled() ? "Enabled" : "Disabled");
      for (LifecycleTransition t : r.getTransitionsList()) {
        w.start("Transition");
        if (t.getHasDate()) {
          w.element("Date", isoDate(t.getDateMillis()));
        } else {
          w.element("Days", t.getDays());
        }
        w.element("StorageClass", t.getStorageClass()).end("Transition");
      }
      if (r.getHasExpiration()) {
        w.start("Expiration");
        if (r.getHasExpirationDate()) {
          w.element("Date", isoDate(r.getExpirationDateMillis()));
        } else if (r.getExpirationDays() > 0) {
          w.element("Days", r.getExpirationDays());
        } else {
          w.element("ExpiredObjectDeleteMarker", r.getExpiredObjectDeleteMarker());
        }
        w.end("Expiration");
      }
      for (LifecycleNoncurrentTransition t : r.getNoncurrentTransitionsList()) {
        w.start("NoncurrentVersionTransition").element("NoncurrentDays", t.getNoncurrentDays());
        if (t.getNewerNoncurrentVersions() > 0) {
          w.element("NewerNoncurrentVersions", t.getNewerNoncurrentVersions());
        }
        w.element("StorageClass", t.getStorageClass()).end("NoncurrentVersionTransition");
      }
      if (r.getHasNoncurrentExpiration()) {
        w.start("NoncurrentVersionExpiration").element("NoncurrentDays", r.getNoncurrentExpirationDays());
        if (r.getNewerNoncurrentVersions() > 0) {
          w.element("NewerNoncurrentVersions", r.getNewerNoncurrentVersions());
        }
        w.end("NoncurrentVersionExpiration");
      }
      if (r.getAbortDaysAfterInitiation() > 0) {
        w.start("AbortIncompleteMultipartUpload").element("DaysAfterInitiation", r.getAbortDaysAfterInitiation())
            .end("AbortIncompleteMultipartUpload");
      }
      w.end("Rule");
    }
    return w.end("LifecycleConfiguration").toBytes();
  }

  private static void renderFilter(XmlWriter w, LifecycleFilter f) {
    switch (f.getForm()) {
      case LIFECYCLE_FILTER_LEGACY_PREFIX -> w.element("Prefix", f.getPrefix());
      case LIFECYCLE_FILTER_EMPTY -> w.start("Filter").end("Filter");
      case LIFECYCLE_FILTER_PREFIX -> w.start("Filter").element("Prefix", f.getPrefix()).end("Filter");
      case LIFECYCLE_FILTER_TAG -> {
        w.start("Filter");
        tag(w, f.getTags(0));
        w.end("Filter");
      }
      case LIFECYCLE_FILTER_SIZE_GREATER_THAN -> w.start("Filter")
          .element("ObjectSizeGreaterThan", f.getObjectSizeGreaterThan()).end("Filter");
      case LIFECYCLE_FILTER_SIZE_LESS_THAN -> w.start("Filter")
          .element("ObjectSizeLessThan", f.getObjectSizeLessThan()).end("Filter");
      case LIFECYCLE_FILTER_AND -> {
        w.start("Filter").start("And");
        if (!f.getPrefix().isEmpty()) {
          w.element("Prefix", f.getPrefix());
        }
        f.getTagsList().forEach(t -> tag(w, t));
        if (f.getObjectSizeGreaterThan() >= 0) {
          w.element("ObjectSizeGreaterThan", f.getObjectSizeGreaterThan());
        }
        if (f.getObjectSizeLessThan() >= 0) {
          w.element("ObjectSizeLessThan", f.getObjectSizeLessThan());
        }
        w.end("And").end("Filter");
      }
      default -> throw new IllegalStateException("stored lifecycle filter has no form: " + f);
    }
  }

  private static void tag(XmlWriter w, LifecycleTag t) {
    w.start("Tag").element("Key", t.getKey()).element("Value", t.getValue()).end("Tag");
  }

  /** S3 writes lifecycle dates as {@code 2026-01-01T00:00:00.000Z}. */
  static String isoDate(long millis) {
    return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC)
        .format(Instant.ofEpochMilli(millis));
  }

  /** Whether a rule's filter selects an object of this key, size and tags (User Guide, "Lifecycle filters"). */
  public static boolean matches(LifecycleFilter f, String key, long size, Map<String, String> tags) {
    if (!key.startsWith(f.getPrefix())) {
      return false;
    }
    for (LifecycleTag t : f.getTagsList()) {
      if (!t.getValue().equals(tags.get(t.getKey()))) {
        return false;
      }
    }
    if (f.getObjectSizeGreaterThan() >= 0 && !(size > f.getObjectSizeGreaterThan())) {
      return false;
    }
    return f.getObjectSizeLessThan() < 0 || size < f.getObjectSizeLessThan();
  }
}
