package dev.forgebus.app;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.forgebus.app.admin.JobAdmin;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.scheduler.TickPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code forgebus jobs list | run NAME} (SPEC 3): the scheduled jobs; fire one now. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List scheduled jobs, or fire one now.",
        subcommands = {JobsCommand.ListJobs.class, JobsCommand.Run.class})
final class JobsCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Each job with its module, schedule, time zone and next fire time (UTC).")
    static final class ListJobs implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ForgebusConfig loaded = config.load();
            PrintWriter out = spec.commandLine().getOut();
            var rows = JobAdmin.rows(loaded, Clock.systemUTC().instant());
            out.printf("%-40s %-15s %-16s %-16s %s%n", "NAME", "MODULE", "SCHEDULE", "TIME ZONE", "NEXT FIRE (UTC)");
            for (Map<String, String> row : rows) {
                out.printf("%-40s %-15s %-16s %-16s %s%n", row.get("name"), row.get("module"), row.get("schedule"), row.get("time_zone"),
                        row.get("next_fire"));
            }
            out.printf("%d job(s)%n", rows.size());
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Publish a tick of job NAME now (delivery id manual:<job>@<now>) and print its delivery id.")
    static final class Run implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Parameters(paramLabel = "NAME", description = "a job name as `jobs list` prints it") String name;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ForgebusConfig loaded = config.load();
            var job = ScheduledJobs.named(loaded, name);
            if (job.isEmpty()) {
                spec.commandLine().getErr().println("forgebus: no scheduled job '" + printable(name) + "' (forgebus jobs list shows them)");
                return 2;
            }
            try (TickPublisher publisher = TickPublisher.create(Limits.bootstrapServers(loaded),
                    new TopicNames(loaded.kafka().topicPrefix()), TickPublisher.DEFAULT_ACK_TIMEOUT)) {
                spec.commandLine().getOut().println(publish(publisher, job.get()));
                return 0;
            }
        }

        private static String publish(TickPublisher publisher, ScheduledJob job) {
            try {
                return publisher.publishManual(job, Clock.systemUTC().instant());
            } catch (TickPublisher.NotAcknowledgedException e) {
                throw new UserError(e.getMessage());
            }
        }

        private static String printable(String s) {
            String shown = s.length() > 200 ? s.substring(0, 200) + "..." : s;
            return shown.replaceAll("[^\\x20-\\x7e]", "?");
        }
    }
}
