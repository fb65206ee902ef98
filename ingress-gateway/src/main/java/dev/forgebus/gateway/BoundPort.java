package dev.forgebus.gateway;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

/**
 * A listening socket, bound before anything else of the process starts: a port conflict then
 * fails the start at once with one clear line instead of after the broker and the roles came
 * up. An {@link HttpServer} later serves on it; connections arriving in between wait in the
 * socket's backlog.
 */
public final class BoundPort implements AutoCloseable {
    /** The port cannot be bound; the message is one line for the operator. */
    public static final class UnavailableException extends RuntimeException {
        UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    private final String host;
    private final ServerSocketChannel channel;
    private volatile boolean handedOver;

    private BoundPort(String host, ServerSocketChannel channel) {
        this.host = host;
        this.channel = channel;
    }

    /** @param port 0 picks a free port (tests) */
    public static BoundPort bind(String host, int port) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new UnavailableException("cannot listen on " + host + ":" + port + ": unknown address " + host);
        }
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(address, 0);
            return new BoundPort(host, channel);
        } catch (BindException e) {
            closeQuietly(channel);
            String why = String.valueOf(e.getMessage());
            throw new UnavailableException(why.contains("in use")
                    ? "port " + port + " on " + host + " is in use"
                    : "cannot listen on " + host + ":" + port + ": " + why);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UnavailableException("cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return channel.socket().getLocalPort();
    }

    /** The channel, from now on owned (and closed) by the server. */
    ServerSocketChannel handOver() {
        handedOver = true;
        return channel;
    }

    /** Closes the socket unless a server took it over. */
    @Override
    public void close() {
        if (!handedOver) {
            closeQuietly(channel);
        }
    }

    private static void closeQuietly(ServerSocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

    @Override
    public String toString() {
        return host + ":" + port();
    }
}
