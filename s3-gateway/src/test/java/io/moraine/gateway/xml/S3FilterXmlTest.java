package io.moraine.gateway.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class S3FilterXmlTest {
  private static S3FilterXml.Filter parse(String inner, Set<String> extras) {
    return S3FilterXml.parse(S3XmlRequests.parse(("<Filter>" + inner + "</Filter>").getBytes(StandardCharsets.UTF_8),
        "Filter"), extras);
  }

  private static String code(String inner, Set<String> extras) {
    try {
      parse(inner, extras);
      throw new AssertionError("accepted: " + inner);
    } catch (S3Exception e) {
      return io.moraine.gateway.error.S3Errors.describe(e.error()).code();
    }
  }

  @Test
  void eachFormParses() {
    assertThat(parse("", Set.of()).form()).isEqualTo(S3FilterXml.Form.NONE);
    assertThat(parse("<Prefix>logs/</Prefix>", Set.of()).prefix()).isEqualTo("logs/");
    assertThat(parse("<Tag><Key>k</Key><Value></Value></Tag>", Set.of()).tags())
        .containsExactly(new S3FilterXml.Tag("k", ""));
    S3FilterXml.Filter and = parse("<And><Prefix>p</Prefix><Tag><Key>a</Key><Value>1</Value></Tag>"
        + "<Size>5</Size></And>", Set.of("Size"));
    assertThat(and.form()).isEqualTo(S3FilterXml.Form.AND);
    assertThat(and.prefix()).isEqualTo("p");
    assertThat(and.extras()).isEqualTo(List.of(new S3FilterXml.Extra("Size", "5")));
    assertThat(and.extra("Size")).isEqualTo("5");
    assertThat(parse("<Size>7</Size>", Set.of("Size")).form()).isEqualTo(S3FilterXml.Form.EXTRA);
  }

  @Test
  void s3sErrors() {
    assertThat(code("<Prefix>a</Prefix><Prefix>b</Prefix>", Set.of())).isEqualTo("MalformedXML");
    assertThat(code("<And><Prefix>a</Prefix></And>", Set.of())).as("And of one").isEqualTo("MalformedXML");
    assertThat(code("<Size>7</Size>", Set.of())).as("an extra not allowed here").isEqualTo("MalformedXML");
    assertThat(code("<And><Size>1</Size><Size>2</Size></And>", Set.of("Size"))).isEqualTo("MalformedXML");
    assertThat(code("<And><Tag><Key>a</Key><Value>1</Value></Tag><Tag><Key>a</Key><Value>2</Value></Tag></And>",
        Set.of())).isEqualTo("InvalidArgument");
    assertThat(code("<Tag><Key></Key><Value>v</Value></Tag>", Set.of())).isEqualTo("InvalidTag");
    assertThat(code("<Tag><Key>k</Key><Value>" + "v".repeat(257) + "</Value></Tag>", Set.of())).isEqualTo("InvalidTag");
    assertThat(code("<Tag><Key>k</Key></Tag>", Set.of())).isEqualTo("MalformedXML");
    assertThatThrownBy(() -> parse("<Tag><Key>k</Key><Key>j</Key><Value>v</Value></Tag>", Set.of()))
        .isInstanceOf(S3Exception.class);
  }
}
