package dev.forgebus.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 *       closed. One sweep every {@value #SWEEP_EVERY_MILLIS} ms checks the bodies still arriving,
 *       so a request costs no thread and no task of its own.</li>
 *   <li>At most {@code server.max_in_flight} webhook deliveries are handled at once (body
 *       received, waiting for Kafka); one more is answered 503 {@code overloaded} with
 *       {@code Retry-After} at once. Bodies still arriving do not count: they hold no thread.</li>
 * </ul>
 */
final class RequestGate extends Handler.Wrapper {
    static final String WEBHOOKS = "/webhooks/";
    /** How often the deadlines of bodies still arriving are checked: a cut-off may come this late. */
    private static final long SWEEP_EVERY_MILLIS = 250;

    private final long maxBodyBytes;
    private final long timeoutNanos;
    private final long minDataRate;
    private final long graceNanos;
    private final Semaphore inFlight;
    private final HttpServer.Refusals refusals;
    /** Bodies still arriving; one sweep checks their deadlines instead of a task per request. */
    private final Set<BodyLoader> loading = ConcurrentHashMap.newKeySet();
    private volatile Scheduler.Task sweep;

    /** @param refusals told of every request the gate refuses (the rejection metric and log) */
    RequestGate(ServerConfig server, HttpServer.Refusals refusals) {
        this.maxBodyBytes = server.maxBodyBytes();
        this.timeoutNanos = server.requestTimeout().toNanos();
        this.minDataRate = server.minDataRate();
        this.graceNanos = ServerConfig.MIN_DATA_RATE_GRACE.toNanos();
        this.inFlight = new Semaphore(server.maxInFlight());
        this.refusals = refusals;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        scheduleSweep();
    }

    @Override
    protected void doStop() throws Exception {
        Scheduler.Task task = sweep;
        if (task != null) {
            task.cancel();
        }
        super.doStop();
    }

    private void scheduleSweep() {
        if (isRunning() || isStarting()) {
            sweep = getServer().getScheduler().schedule(this::sweepDeadlines, SWEEP_EVERY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Cuts off the bodies past their deadline or below the data rate; runs every {@value #SWEEP_EVERY_MILLIS} ms. */
    private void sweepDeadlines() {
        try {
            long now = System.nanoTime();
            for (BodyLoader loader : loading) {
                loader.checkProgress(now);
            }
        } finally {
            scheduleSweep();
        }
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
        refusals.refused(request.getHttpURI().getPath(), reason, status, Request.getRemoteAddr(request),
                name -> request.getHeaders().get(name));
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
     * Gathers one body. Runs on Jetty's demand callbacks and on the gate's sweep, which checks the
     * deadline and the data rate; whichever finishes the request first wins, under the lock.
     */
    private final class BodyLoader implements Runnable {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final long begin;
        private final long declared;
        private byte[] body;
        private int size;
        private boolean finished;
        private boolean watched;

        BodyLoader(Request request, Response response, Callback callback, long declared) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            // The first byte of the request, so slow headers count against the deadline too.
            this.begin = request.getBeginNanoTime();
            this.declared = declared;
        }

        /**
         * Reads what is there at once. A body that is all there runs the routes straight away;
         * one that is not joins the bodies the sweep watches. (A scheduled task per request, the
         * first design, cost about a fifth of the gateway's throughput under wrk.)
         */
        void start() {
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
                    if (!watched) {
                        watched = true;
                        loading.add(this);
                    }
                    request.demand(this);
                    return null;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    finish();
                    Throwable failure = chunk.getFailure();
                    chunk.release();
                    return () -> callback.failed(failure);
                }
                if (size == 0 && chunk.remaining() <= maxBodyBytes && (chunk.isLast() || chunk.remaining() == declared)) {
                    // The whole body in one chunk (the usual case; its end-of-content may follow
                    // as an empty chunk): handed on as it is, no copy; whoever reads it releases it.
                    finish();
                    return () -> dispatchLoaded(chunk);
                }
                append(chunk.getByteBuffer());
                boolean last = chunk.isLast();
                chunk.release();
                if (last || size > maxBodyBytes) {
                    finish();
                    Content.Chunk gathered = Content.Chunk.from(ByteBuffer.wrap(body, 0, size), last);
                    return () -> dispatchLoaded(gathered);
                }
            }
        }

        /** Copies the chunk (so Jetty can reuse its buffer at once), keeping at most one byte past the limit. */
        private void append(ByteBuffer bytes) {
            int take = (int) Math.min(bytes.remaining(), maxBodyBytes + 1 - size);
            if (body == null) {
                body = new byte[(int) Math.min(Math.max(declared > 0 ? declared : 16 * 1024, take), maxBodyBytes + 1)];
            }
            if (size + take > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(Math.max(body.length * 2L, (long) size + take), maxBodyBytes + 1));
            }
            bytes.get(body, size, take);
            size += take;
        }

        private void dispatchLoaded(Content.Chunk gathered) {
            Request loaded = new LoadedRequest(request, gathered);
            try {
                if (!dispatch(loaded, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable t) {
                Response.writeError(request, response, callback, t);
            }
        }

        void checkProgress(long now) {
            String reason;
            synchronized (this) {
                if (finished) {
                    return;
                }
                long elapsed = now - begin;
                if (elapsed >= timeoutNanos) {
                    reason = "timeout";
                } else if (minDataRate > 0 && elapsed >= graceNanos && size < minDataRate * elapsed / 1_000_000_000L) {
                    reason = "too_slow";
                } else {
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
            if (watched) {
                loading.remove(this);
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

        LoadedRequest(Request wrapped, Content.Chunk gathered) {
            super(wrapped);
            this.complete = gathered.isLast();
            this.loaded = gathered;
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
