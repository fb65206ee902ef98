package dev.forgebus.common.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The guard for every outgoing URL built from repository content (a {@code .ops.yaml}, an issue,
 * a release body, ...): such a URL is chosen by whoever can push to a repository, and Forgebus
 * would fetch it from inside its network. Allowed are http and https URLs whose host is not, and
 * does not resolve to, a link-local address (169.254.0.0/16, fe80::/10) or a cloud metadata
 * service (169.254.169.254, fd00:ec2::254, 100.100.100.200, metadata.google.internal, ...), which
 * hand out the machine's cloud credentials to anyone who can make it send a GET.
 *
 * <p>URLs from the main config are the operator's and are not checked. Today a {@code .ops.yaml}
 * cannot name a URL at all (channels are referred to by name); a module that builds a URL from
 * repository content must call {@link #check(URI)} right before connecting. A name may resolve
 * differently a moment later (DNS rebinding): where it matters, connect to the address checked.
 * A host that does not resolve is refused: the check fails closed.
 */
public final class OutboundUrls {

    /** What {@link #check} answers. */
    public sealed interface Verdict permits Allowed, Refused {
    }

    /** The URL may be fetched. */
    public record Allowed(URI uri) implements Verdict {
        public Allowed {
            Objects.requireNonNull(uri, "uri");
        }
    }

    /** The URL must not be fetched; {@code reason} names the host, never the rest of the URL (it may hold a token). */
    public record Refused(String reason) implements Verdict {
        public Refused {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Name resolution, replaceable in tests. */
    @FunctionalInterface
    public interface HostResolver {
        List<InetAddress> resolve(String host) throws UnknownHostException;

        HostResolver SYSTEM = host -> Arrays.asList(InetAddress.getAllByName(host));
    }

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog",
            "metadata.azure.com", "metadata.azure.internal", "instance-data", "instance-data.ec2.internal",
            "metadata.tencentyun.com");
    private static final Set<String> METADATA_ADDRESSES = Set.of(
            "169.254.169.254",   // AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
            "fd00:ec2:0:0:0:0:0:254", // AWS IPv6 (InetAddress.getHostAddress's spelling)
            "100.100.100.200");  // Alibaba Cloud
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private OutboundUrls() {
    }

    /** {@code uri} checked with the system's name resolution. */
    public static Verdict check(URI uri) {
        return check(uri, HostResolver.SYSTEM);
    }

    public static Verdict check(URI uri, HostResolver resolver) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return new Refused("only http or https URLs are allowed"
                    + (scheme.isEmpty() ? " (no scheme)" : ", got " + scheme + ":"));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return new Refused("the URL has no host");
        }
        String name = host.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (METADATA_HOSTS.contains(name)) {
            return new Refused(name + " is a cloud metadata service");
        }
        boolean literal = name.startsWith("[") || IPV4.matcher(name).matches();
        List<InetAddress> addresses;
        try {
            addresses = literal
                    ? List.of(InetAddress.getByName(name.startsWith("[") ? name.substring(1, name.length() - 1) : name))
                    : resolver.resolve(name);
        } catch (UnknownHostException e) {
            return new Refused(name + (literal ? " is not an IP address" : " does not resolve"));
        }
        for (InetAddress address : addresses) {
            String refusal = refusal(address);
            if (refusal != null) {
                return new Refused(literal ? name + " is " + refusal : name + " resolves to " + address.getHostAddress()
                        + ", " + refusal);
            }
        }
        return new Allowed(uri);
    }

    /** Why {@code address} must not be connected to, null when it may. */
    private static String refusal(InetAddress address) {
        if (METADATA_ADDRESSES.contains(address.getHostAddress())) {
            return "a cloud metadata address";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local address";
        }
        return null;
    }
}
