package io.moraine.gateway.tiering;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3FilterXml;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import io.moraine.proto.config.v1.IntelligentTieringConfigurations;
import io.moraine.proto.config.v1.TieringFilter;
import io.moraine.proto.config.v1.TieringFilterForm;
import io.moraine.proto.config.v1.TieringRule;
import io.moraine.proto.config.v1.TieringTag;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.w3c.dom.Element;

/**
 * S3's IntelligentTieringConfiguration document (API Reference, PutBucketIntelligentTieringConfiguration,
 * IntelligentTieringConfiguration, IntelligentTieringFilter, Tiering; shapes of botocore's
 * service-2.json): parsed, validated and rendered, and the stored form (bucket config kind
 * {@value #KIND}, every configuration of the bucket in one {@link IntelligentTieringConfigurations}).
 *
 * <p>Validation, as S3 documents it: Id required, at most 64 characters of letters, digits,
 * '-', '_' and '.', and equal to the {@code id} query parameter; Status Enabled or Disabled;
 * at least one Tiering; AccessTier ARCHIVE_ACCESS (Days 90–730) or DEEP_ARCHIVE_ACCESS (Days
 * 180–730) ("The minimum number of days specified for Archive Access tier must be at least 90 days
 * and Deep Archive Access tier must be at least 180 days. The maximum can be up to 2 years (730
 * days)", API_Tiering), each tier at most once, Deep Archive after Archive when both are given;
 * a Filter holds one of Prefix, Tag, And (And: a Prefix and/or Tags, two or more predicates, tag
 * keys unique); at most {@value #MAX_CONFIGURATIONS} configurations per bucket
 * (TooManyConfigurations). Malformed documents are MalformedXML, out-of-range values
 * InvalidArgument.
 */
public final class TieringRules {
  public static final String KIND = "intelligent-tiering";
  public static final int FORMAT_VERSION = 1;
  public static final int MAX_CONFIGURATIONS = 1000;
  /** ListBucketIntelligentTieringConfigurations page size (S3 pages at 100). */
  public static final int PAGE = 100;
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private TieringRules() {}

  public static IntelligentTieringConfigurations decode(byte[] body) {
    try {
      IntelligentTieringConfigurations c = IntelligentTieringConfigurations.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("intelligent-tiering format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored intelligent-tiering configurations", e);
    }
  }

  /** The id query parameter: required, well-formed. */
  public static String checkId(Optional<String> id) {
    String v = id.orElseThrow(() -> invalidArgument("Missing required parameter: id"));
    if (!ID.matcher(v).matches()) {
      throw invalidArgument("The specified configuration id is not valid.");
    }
    return v;
  }

  /** Parses and validates one document for the configuration named {@code id} by the query. */
  public static IntelligentTieringConfiguration parseXml(byte[] body, String id) {
    Element root = S3XmlRequests.parse(body, "IntelligentTieringConfiguration");
    IntelligentTieringConfiguration.Builder c = IntelligentTieringConfiguration.newBuilder();
    String docId = null;
    String status = null;
    boolean filter = false;
    Set<String> tiers = new HashSet<>();
    for (Element e : S3XmlRequests.children(root)) {
      switch (S3XmlRequests.localName(e)) {
        case "Id" -> {
          if (docId != null) {
            throw malformed();
          }
          docId = e.getTextContent();
        }
        case "Status" -> {
          if (status != null) {
            throw malformed();
          }
          status = e.getTextContent().strip();
        }
        case "Filter" -> {
          if (filter) {
            throw malformed();
          }
          filter = true;
          c.setFilter(parseFilter(e));
        }
        case "Tiering" -> {
          TieringRule t = parseTiering(e);
          if (!tiers.add(t.getAccessTier())) {
            throw invalidArgument("Duplicate AccessTier " + t.getAccessTier() + " is not allowed.");
          }
          c.addTierings(t);
        }
        default -> throw malformed();
      }
    }
    if (docId == null || status == null || c.getTieringsCount() == 0) {
      throw malformed();
    }
    if (!docId.equals(id)) {
      throw invalidArgument("The Id in the configuration does not match the id parameter.");
    }
    if (!status.equals("Enabled") && !status.equals("Disabled")) {
      throw malformed();
    }
    if (!filter) {
      c.setFilter(TieringFilter.newBuilder().setForm(TieringFilterForm.TIERING_FILTER_NONE));
    }
    int archive = days(c, "ARCHIVE_ACCESS");
    int deep = days(c, "DEEP_ARCHIVE_ACCESS");
    if (archive > 0 && deep > 0 && deep <= archive) {
      throw invalidArgument("The Days for DEEP_ARCHIVE_ACCESS must be greater than the Days for ARCHIVE_ACCESS.");
    }
    return c.setId(docId).setEnabled(status.equals("Enabled")).build();
  }

  private static int days(IntelligentTieringConfiguration.Builder c, String tier) {
    return c.getTieringsList().stream().filter(t -> t.getAccessTier().equals(tier)).mapToInt(TieringRule::getDays)
        .findFirst().orElse(0);
  }

  private static TieringRule parseTiering(Element e) {
    String tier = null;
    Integer days = null;
    for (Element c : S3XmlRequests.children(e)) {
      switch (S3XmlRequests.localName(c)) {
        case "AccessTier" -> {
          if (tier != null) {
            throw malformed();
          }
          tier = c.getTextContent().strip();
        }
        case "Days" -> {
          if (days != null) {
            throw malformed();
          }
          try {
            days = Integer.parseInt(c.getTextContent().strip());
          } catch (NumberFormatException x) {
            throw malformed();
          }
        }
        default -> throw malformed();
      }
    }
    if (tier == null || days == null) {
      throw malformed();
    }
    switch (tier) {
      case "ARCHIVE_ACCESS" -> {
        if (days < 90 || days > 730) {
          throw invalidArgument("The Days for ARCHIVE_ACCESS must be between 90 and 730.");
        }
      }
      case "DEEP_ARCHIVE_ACCESS" -> {
        if (days < 180 || days > 730) {
          throw invalidArgument("The Days for DEEP_ARCHIVE_ACCESS must be between 180 and 730.");
        }
      }
      default -> throw malformed(); // not an IntelligentTieringAccessTier value
    }
    return TieringRule.newBuilder().setAccessTier(tier).setDays(days).build();
  }

  private static TieringFilter parseFilter(Element filterElement) {
    S3FilterXml.Filter parsed = S3FilterXml.parse(filterElement, Set.of());
    TieringFilter.Builder f = TieringFilter.newBuilder().setPrefix(parsed.prefix());
    parsed.tags().forEach(t -> f.addTags(TieringTag.newBuilder().setKey(t.key()).setValue(t.value())));
    return f.setForm(switch (parsed.form()) {
      case NONE -> TieringFilterForm.TIERING_FILTER_NONE;
      case PREFIX -> TieringFilterForm.TIERING_FILTER_PREFIX;
      case TAG -> TieringFilterForm.TIERING_FILTER_TAG;
      case AND -> TieringFilterForm.TIERING_FILTER_AND;
      case EXTRA -> throw new IllegalStateException("no extra predicates allowed");
    }).build();
  }

  /**
   * The bucket's configurations with {@code c} put (replacing the one with its id), sorted by id;
   * TooManyConfigurations when it would be the 1,001st.
   */
  public static IntelligentTieringConfigurations put(Optional<IntelligentTieringConfigurations> stored,
      IntelligentTieringConfiguration c) {
    List<IntelligentTieringConfiguration> all = new ArrayList<>(
        stored.map(IntelligentTieringConfigurations::getConfigurationsList).orElse(List.of()));
    boolean replaced = all.removeIf(x -> x.getId().equals(c.getId()));
    if (!replaced && all.size() >= MAX_CONFIGURATIONS) {
      throw new S3Exception(new S3Error.TooManyConfigurations(null));
    }
    all.add(c);
    all.sort(java.util.Comparator.comparing(IntelligentTieringConfiguration::getId));
    return IntelligentTieringConfigurations.newBuilder().setFormatVersion(FORMAT_VERSION).addAllConfigurations(all)
        .build();
  }

  /** The configurations without the one named {@code id}. */
  public static IntelligentTieringConfigurations remove(IntelligentTieringConfigurations stored, String id) {
    List<IntelligentTieringConfiguration> all = new ArrayList<>(stored.getConfigurationsList());
    all.removeIf(x -> x.getId().equals(id));
    return IntelligentTieringConfigurations.newBuilder().setFormatVersion(FORMAT_VERSION).addAllConfigurations(all)
        .build();
  }

  public static byte[] renderXml(IntelligentTieringConfiguration c) {
    XmlWriter w = new XmlWriter().startRoot("IntelligentTieringConfiguration");
    render(w, c);
    return w.end("IntelligentTieringConfiguration").toBytes();
  }

  /** One page of ListBucketIntelligentTieringConfigurations: after {@code afterId} ("" from the start). */
  public static byte[] renderList(List<IntelligentTieringConfiguration> all, String token, String afterId) {
    XmlWriter w = new XmlWriter().startRoot("ListBucketIntelligentTieringConfigurationsOutput");
    List<IntelligentTieringConfiguration> rest = all.stream().filter(c -> c.getId().compareTo(afterId) > 0).toList();
    boolean truncated = rest.size() > PAGE;
    List<IntelligentTieringConfiguration> page = truncated ? rest.subList(0, PAGE) : rest;
    w.element("IsTruncated", truncated);
    if (!token.isEmpty()) {
      w.element("ContinuationToken", token);
    }
    if (truncated) {
      w.element("NextContinuationToken", token(page.get(page.size() - 1).getId()));
    }
    for (IntelligentTieringConfiguration c : page) {
      w.start("IntelligentTieringConfiguration");
      render(w, c);
      w.end("IntelligentTieringConfiguration");
    }
    return w.end("ListBucketIntelligentTieringConfigurationsOutput").toBytes();
  }

  /** The opaque continuation token naming the last id of a page. */
  public static String token(String lastId) {
    return java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(lastId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** The id a continuation token names; InvalidArgument for a token this gateway did not make. */
  public static String afterId(String token) {
    if (token.isEmpty()) {
      return "";
    }
    try {
      String id = new String(java.util.Base64.getUrlDecoder().decode(token), java.nio.charset.StandardCharsets.UTF_8);
      if (ID.matcher(id).matches()) {
        return id;
      }
    } catch (IllegalArgumentException e) {
      // fall through
    }
    throw invalidArgument("The continuation token provided is incorrect");
  }

  private static void render(XmlWriter w, IntelligentTieringConfiguration c) {
    w.element("Id", c.getId());
    TieringFilter f = c.getFilter();
    switch (f.getForm()) {
      case TIERING_FILTER_PREFIX -> w.start("Filter").element("Prefix", f.getPrefix()).end("Filter");
      case TIERING_FILTER_TAG -> {
        w.start("Filter");
        tag(w, f.getTags(0));
        w.end("Filter");
      }
      case TIERING_FILTER_AND -> {
        w.start("Filter").start("And");
        if (!f.getPrefix().isEmpty()) {
          w.element("Prefix", f.getPrefix());
        }
        f.getTagsList().forEach(t -> tag(w, t));
        w.end("And").end("Filter");
      }
      default -> { } // no filter: every object
    }
    w.element("Status", c.getEnabled() ? "Enabled" : "Disabled");
    for (TieringRule t : c.getTieringsList()) {
      w.start("Tiering").element("Days", t.getDays()).element("AccessTier", t.getAccessTier()).end("Tiering");
    }
  }

  private static void tag(XmlWriter w, TieringTag t) {
    w.start("Tag").element("Key", t.getKey()).element("Value", t.getValue()).end("Tag");
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }

  private static S3Exception invalidArgument(String message) {
    return new S3Exception(new S3Error.InvalidArgument(message));
  }
}
