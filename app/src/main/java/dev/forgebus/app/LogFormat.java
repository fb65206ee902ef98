package dev.forgebus.app;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

import dev.forgebus.common.config.LoggingConfig;

/**
 * Applies {@code logging.format} at start. {@code plain} is logback.xml as shipped (ISO-8601 time
 * with its offset); {@code json} swaps the encoder of the root logger's stream appenders for
 * Logback's own {@link JsonEncoder}: one JSON object per line, the MDC ({@code delivery_id},
 * {@code forge}, {@code repo}, {@code module}) under {@code "mdc"}. Done in code rather than by a
 * second logback file chosen by a system property, so every way of starting Forgebus (the jar,
 * the launcher, a test's in-JVM {@code run}) gets the format from the config alone. Lines logged
 * before the config is read (a config error) stay plain.
 */
final class LogFormat {
    private LogFormat() {
    }

    /** Applies {@code format}; closing the answer puts the previous encoders back (a test's JVM goes on). */
    static AutoCloseable apply(LoggingConfig.Format format) {
        if (format == LoggingConfig.Format.PLAIN || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return () -> { };
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        List<Runnable> restore = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
                Encoder<ILoggingEvent> before = appender.getEncoder();
                JsonEncoder json = new JsonEncoder();
                json.setContext(context);
                // The formatted message only: the raw pattern and its arguments would say it twice.
                json.setWithFormattedMessage(true);
                json.setWithMessage(false);
                json.setWithArguments(false);
                json.setWithSequenceNumber(false);
                json.setWithNanoseconds(false);
                json.setWithContext(false);
                json.start();
                swap(appender, json);
                restore.add(() -> swap(appender, before));
            }
        }
        return () -> restore.forEach(Runnable::run);
    }

    private static void swap(OutputStreamAppender<ILoggingEvent> appender, Encoder<ILoggingEvent> encoder) {
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }
}
