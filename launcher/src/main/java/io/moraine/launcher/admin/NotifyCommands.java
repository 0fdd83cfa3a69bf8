package io.moraine.launcher.admin;

import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.proto.meta.v1.AmqpDestination;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.IamQuery;
import io.moraine.proto.meta.v1.KafkaDestination;
import io.moraine.proto.meta.v1.NotifyTargetCommand;
import io.moraine.proto.meta.v1.NotifyTargetQuery;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import io.moraine.proto.meta.v1.WebhookDestination;
import java.net.URI;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code admin notify target add|list|remove} (DESIGN.md, contracts of the feature wave;
 * docs/notifications.md): the destinations bucket notification configurations may name, by the
 * ARN {@code arn:moraine:sqs:REGION:ACCOUNT:NAME} that {@code add} prints.
 */
final class NotifyCommands {
  private NotifyCommands() {}

  @Command(name = "notify", mixinStandardHelpOptions = true, description = "Manage event notification targets.",
      subcommands = {TargetGroup.class})
  static final class NotifyGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "target", mixinStandardHelpOptions = true, description = "Register, list and remove targets.",
      subcommands = {Add.class, ListTargets.class, Remove.class})
  static final class TargetGroup implements Runnable {
    @ParentCommand
    NotifyGroup notify;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }

    AdminCommand admin() {
      return notify.admin;
    }
  }

  static final class Destination {
    @Option(names = "--webhook", paramLabel = "URL", required = true, description = "POST each event's JSON to this http(s) URL")
    String webhook;

    @ArgGroup(exclusive = false)
    Kafka kafka;

    @ArgGroup(exclusive = false)
    Amqp amqp;
  }

  static final class Kafka {
    @Option(names = "--kafka", paramLabel = "HOST:PORT", required = true, description = "Kafka bootstrap server(s), comma separated")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "the Kafka topic")
    String topic;
  }

  static final class Amqp {
    @Option(names = "--amqp", paramLabel = "URL", required = true, description = "amqp://USER:PASS@HOST:PORT/VHOST")
    String url;

    @Option(names = "--exchange", required = true, description = "the exchange to publish to")
    String exchange;

    @Option(names = "--routing-key", description = "the routing key (default empty)")
    String routingKey;
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Register a target; prints arn=arn:moraine:sqs:REGION:ACCOUNT:NAME.")
  static final class Add implements Callable<Integer> {
    @ParentCommand
    TargetGroup group;

    @Parameters(index = "0", description = "the target's name ([A-Za-z0-9_.-], at most 64), unique in the cluster")
    String name;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Destination destination;

    @Option(names = "--account", defaultValue = "root",
        description = "the account whose 12-digit id the ARN carries (default: the root account)")
    String account;

    @Option(names = "--region", defaultValue = "us-east-1",
        description = "the cluster's region, which the ARN carries (default ${DEFAULT-VALUE})")
    String region;

    @Override
    public Integer call() throws Exception {
      if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
        System.err.println("a target name is 1 to 64 of A-Z a-z 0-9 _ . -: " + name);
        return 2;
      }
      NotifyTargetRecord.Builder t = NotifyTargetRecord.newBuilder().setFormatVersion(1).setName(name).setRegion(region);
      if (destination.webhook != null) {
        URI u = URI.create(destination.webhook);
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
          System.err.println("--webhook needs an http:// or https:// URL: " + destination.webhook);
          return 2;
        }
        t.setWebhook(WebhookDestination.newBuilder().setUrl(destination.webhook));
      } else if (destination.kafka != null) {
        t.setKafka(KafkaDestination.newBuilder().setBootstrapServers(destination.kafka.bootstrap)
            .setTopic(destination.kafka.topic));
      } else {
        URI u = URI.create(destination.amqp.url);
        if (!"amqp".equals(u.getScheme()) && !"amqps".equals(u.getScheme())) {
          System.err.println("--amqp needs an amqp:// or amqps:// URL: " + destination.amqp.url);
          return 2;
        }
        t.setAmqp(AmqpDestination.newBuilder().setUrl(destination.amqp.url).setExchange(destination.amqp.exchange)
            .setRoutingKey(destination.amqp.routingKey == null ? "" : destination.amqp.routingKey));
      }
      try (CuratorFramework client = group.admin().connect(); RaftMetadataClient meta = group.admin().metadata(client)) {
        var found = meta.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder().setName(account)).build())
            .getAccount();
        if (!found.hasAccount()) {
          System.err.println("no account named " + account);
          return 1;
        }
        String awsAccountId = found.getAccount().getAwsAccountId();
        t.setAwsAccountId(awsAccountId).setArn("arn:moraine:sqs:" + region + ":" + awsAccountId + ":" + name);
        var reply = meta.notifyTarget(NotifyTargetCommand.newBuilder().setAdd(t).build());
        if (!reply.getCreated()) {
          System.err.println("a target named " + name + " exists already: " + reply.getTargets(0).getArn());
          return 1;
        }
        group.admin().out().print(new Line.NotifyTargetAdded(reply.getTargets(0).getArn()));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One line per target: name=… arn=… type=webhook|kafka|amqp destination=….")
  static final class ListTargets implements Callable<Integer> {
    @ParentCommand
    TargetGroup group;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = group.admin().connect(); RaftMetadataClient meta = group.admin().metadata(client)) {
        for (NotifyTargetRecord t : meta.notifyTargetQuery(NotifyTargetQuery.newBuilder().setList(true).build())
            .getTargetsList()) {
          group.admin().out().print(new Line.NotifyTarget(t.getName(), t.getArn(), type(t), destination(t)));
        }
      }
      return 0;
    }
  }

  static String type(NotifyTargetRecord t) {
    return switch (t.getDestinationCase()) {
      case WEBHOOK -> "webhook";
      case KAFKA -> "kafka";
      case AMQP -> "amqp";
      case DESTINATION_NOT_SET -> "-";
    };
  }

  /** The destination without credentials (an AMQP URL's user info is left out). */
  static String destination(NotifyTargetRecord t) {
    return switch (t.getDestinationCase()) {
      case WEBHOOK -> t.getWebhook().getUrl();
      case KAFKA -> t.getKafka().getBootstrapServers() + "/" + t.getKafka().getTopic();
      case AMQP -> {
        URI u = URI.create(t.getAmqp().getUrl());
        yield u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
            + (u.getRawPath() == null ? "" : u.getRawPath()) + "/" + t.getAmqp().getExchange()
            + (t.getAmqp().getRoutingKey().isEmpty() ? "" : "/" + t.getAmqp().getRoutingKey());
      }
      case DESTINATION_NOT_SET -> "-";
    };
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a target (configurations naming it stay; their events are not delivered).")
  static final class Remove implements Callable<Integer> {
    @ParentCommand
    TargetGroup group;

    @Parameters(index = "0", description = "the target's name")
    String name;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = group.admin().connect(); RaftMetadataClient meta = group.admin().metadata(client)) {
        if (!meta.notifyTarget(NotifyTargetCommand.newBuilder().setRemove(name).build()).getApplied()) {
          System.err.println("no target named " + name);
          return 1;
        }
      }
      return 0;
    }
  }
}
