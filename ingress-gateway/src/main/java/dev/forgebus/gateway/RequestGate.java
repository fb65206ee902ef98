package dev.forgebus.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

import dev.forgebus.common.config.ServerConfig;

/**
 * Sits in front of the routes (a Jetty handler) and keeps slow or too many senders from taking
 * the server's threads:
 * <ul>
 *   <li>A request body is gathered without a thread: bytes are copied as they arrive (Jetty's
 *       demand callbacks) and the routes run only once the whole body is there. The routes'
 *       blocking reads then never wait on the network. A body larger than
 *       {@code server.max_body_bytes} is handed over as soon as the limit is passed, so the
 *       handler refuses it (413) without it being buffered whole.</li>
 *   <li>The whole request must have arrived within {@code server.request_timeout}, counted from
 *       its first byte, and from {@link ServerConfig#MIN_DATA_RATE_GRACE} on at an average of
 *       {@code server.min_data_rate} bytes/s; otherwise it is answered 408 and the connection
 *       closed. Each request costs one scheduler task, no thread.</li>
 *   <li>At most {@code server.max_in_flight} webhook deliveries are handled at once (body
 *       received, waiting for Kafka); one more is answered 503 {@code overloaded} with
 *       {@code Retry-After} at once. Bodies still arriving do not count: they hold no thread.</li>
 * </ul>
 */
final class RequestGate extends Handler.Wrapper {
    /** Told of every request the gate refuses, with its path and reason (for the rejection metric). */
    @FunctionalInterface
    interface Refusals {
        void refused(String path, String reason);
    }

    static final String WEBHOOKS = "/webhooks/";
    private static final long CHECK_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long maxBodyBytes;
    private final long timeoutNanos;
    private final long minDataRate;
    private final long graceNanos;
    private final Semaphore inFlight;
    private final Refusals refusals;

    RequestGate(ServerConfig server, Refusals refusals) {
        this.maxBodyBytes = server.maxBodyBytes();
        this.timeoutNanos = server.requestTimeout().toNanos();
        this.minDataRate = server.minDataRate();
        this.graceNanos = ServerConfig.MIN_DATA_RATE_GRACE.toNanos();
        this.inFlight = new Semaphore(server.maxInFlight());
        this.refusals = refusals;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        long declared = request.getLength();
        boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING, HttpHeaderValue.CHUNKED.asString());
        if ((declared <= 0 && !chunked) || declared > maxBodyBytes) {
            // Nothing to wait for, or refused on its declared size before reading.
            return dispatch(request, response, callback);
        }
        new BodyLoader(request, response, callback, declared).start();
        return true;
    }

    /** Runs the routes, within the in-flight cap for webhooks. */
    private boolean dispatch(Request request, Response response, Callback callback) throws Exception {
        if (!request.getHttpURI().getPath().startsWith(WEBHOOKS)) {
            return super.handle(request, response, callback);
        }
        if (!inFlight.tryAcquire()) {
            refuse(request, response, callback, 503, "overloaded", "too many deliveries in flight; retry shortly", false);
            return true;
        }
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            if (released.compareAndSet(false, true)) {
                inFlight.release();
            }
        };
        try {
            boolean handled = super.handle(request, response, Callback.from(callback, release));
            if (!handled) {
                release.run();
            }
            return handled;
        } catch (Exception | Error e) {
            release.run();
            throw e;
        }
    }

    private void refuse(Request request, Response response, Callback callback, int status, String reason, String message,
                        boolean close) {
        refusals.refused(request.getHttpURI().getPath(), reason);
        String json = "{\"status\":\"rejected\",\"reason\":\"" + reason + "\",\"message\":\"" + message + "\"}";
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (status == 503) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        }
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    }

    /**
     * Gathers one body. Runs on Jetty's demand callbacks and on one scheduler task that checks the
     * deadline and the data rate; whichever finishes the request first wins, under the lock.
     */
    private final class BodyLoader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long begin;
        private byte[] body;
        private int size;
        private boolean finished;
        private Scheduler.Task check;

        BodyLoader(Request request, Response response, Callback callback, long declared) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            // The first byte of the request, so slow headers count against the deadline too.
            this.begin = request.getBeginNanoTime();
            this.body = new byte[(int) Math.min(declared > 0 ? declared : 16 * 1024, maxBodyBytes + 1)];
        }

        void start() {
            synchronized (this) {
                scheduleCheck(System.nanoTime());
            }
            run();
        }

        /** Reads what has arrived; asks to be called again when more does. */
        @Override
        public void run() {
            Runnable next;
            synchronized (this) {
                next = readAvailable();
            }
            if (next != null) {
                next.run();
            }
        }

        /** Under the lock; returns what to do once the lock is released, or null. */
        private Runnable readAvailable() {
            while (true) {
                if (finished) {
                    discardRest();
                    return null;
                }
                Content.Chunk chunk = request.read();
                if (chunk == null) {
                    request.demand(this);
                    return null;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    finish();
                    Throwable failure = chunk.getFailure();
                    chunk.release();
                    return () -> callback.failed(failure);
                }
                append(chunk.getByteBuffer());
                boolean last = chunk.isLast();
                chunk.release();
                if (last || size > maxBodyBytes) {
                    finish();
                    return () -> dispatchLoaded(last);
                }
            }
        }

        /** Copies the chunk (so Jetty can reuse its buffer at once), keeping at most one byte past the limit. */
        private void append(ByteBuffer bytes) {
            int take = (int) Math.min(bytes.remaining(), maxBodyBytes + 1 - size);
            if (size + take > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(Math.max(body.length * 2L, (long) size + take), maxBodyBytes + 1));
            }
            bytes.get(body, size, take);
            size += take;
        }

        private void dispatchLoaded(boolean complete) {
            Request loaded = new LoadedRequest(request, ByteBuffer.wrap(body, 0, size), complete);
            try {
                if (!dispatch(loaded, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        }

        private void scheduleCheck(long now) {
            long untilDeadline = begin + timeoutNanos - now;
            check = request.getComponents().getScheduler().schedule(this::checkProgress,
                    Math.max(0, Math.min(untilDeadline, CHECK_EVERY_NANOS)), TimeUnit.NANOSECONDS);
        }

        private void checkProgress() {
            String reason;
            synchronized (this) {
                if (finished) {
                    return;
                }
                long now = System.nanoTime();
                long elapsed = now - begin;
                if (elapsed >= timeoutNanos) {
                    reason = "timeout";
                } else if (minDataRate > 0 && elapsed >= graceNanos && size < minDataRate * elapsed / 1_000_000_000L) {
                    reason = "too_slow";
                } else {
                    scheduleCheck(now);
                    return;
                }
                finish();
            }
            refuse(request, response, callback, 408, reason, reason.equals("timeout")
                    ? "the request did not arrive within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"
                    : "the body arrives slower than " + minDataRate + " bytes/s", true);
        }

        private void finish() {
            finished = true;
            if (check != null) {
                check.cancel();
            }
        }

        /** After a cut-off: release whatever still arrives, without asking for more. */
        private void discardRest() {
            try {
                Content.Chunk chunk;
                while ((chunk = request.read()) != null) {
                    chunk.release();
                    if (chunk.isLast() || Content.Chunk.isFailure(chunk)) {
                        return;
                    }
                }
            } catch (RuntimeException ignored) {
                // the request is complete; there is nothing left to release
            }
        }
    }

    /** The request with its body already gathered: reads return it, then the rest (if any) from the network. */
    private static final class LoadedRequest extends Request.Wrapper {
        private final boolean complete;
        private Content.Chunk loaded;

        LoadedRequest(Request wrapped, ByteBuffer body, boolean complete) {
            super(wrapped);
            this.complete = complete;
            this.loaded = Content.Chunk.from(body, complete);
        }

        @Override
        public synchronized Content.Chunk read() {
            if (loaded != null) {
                Content.Chunk chunk = loaded;
                loaded = null;
                return chunk;
            }
            return complete ? Content.Chunk.EOF : super.read();
        }

        @Override
        public void demand(Runnable demandCallback) {
            boolean ready;
            synchronized (this) {
                ready = loaded != null || complete;
            }
            if (ready) {
                demandCallback.run();
            } else {
                super.demand(demandCallback);
            }
        }
    }
}
