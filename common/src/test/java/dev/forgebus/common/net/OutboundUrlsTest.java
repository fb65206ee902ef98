package dev.forgebus.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The guard for URLs built from repository content: http(s) only, never link-local or cloud metadata. */
class OutboundUrlsTest {

    /** A DNS of our own, so that the tests do not depend on the machine's. */
    private static OutboundUrls.HostResolver dns(Map<String, String> records) {
        return host -> {
            String address = records.get(host);
            if (address == null) {
                throw new UnknownHostException(host);
            }
            return List.of(InetAddress.getByName(address));
        };
    }

    private static final OutboundUrls.HostResolver PUBLIC_DNS = dns(Map.of(
            "hooks.example.com", "203.0.113.10",
            "rebound.example.com", "169.254.169.254",
            "v6.example.com", "fe80::1"));

    private static OutboundUrls.Verdict check(String url) {
        return OutboundUrls.check(URI.create(url), PUBLIC_DNS);
    }

    private static void assertRefused(String url, String because) {
        assertThat(check(url)).as(url).isInstanceOfSatisfying(OutboundUrls.Refused.class,
                r -> assertThat(r.reason()).contains(because));
    }

    @Test
    void a_public_https_url_is_allowed() {
        assertThat(check("https://hooks.example.com/in")).isEqualTo(new OutboundUrls.Allowed(URI.create("https://hooks.example.com/in")));
        assertThat(check("http://203.0.113.7:8080/x")).isInstanceOf(OutboundUrls.Allowed.class);
    }

    @Test
    void schemes_other_than_http_and_https_are_refused() {
        assertRefused("file:///etc/passwd", "http or https");
        assertRefused("gopher://hooks.example.com/", "http or https");
        assertRefused("ftp://hooks.example.com/", "http or https");
        assertRefused("/relative/only", "http or https");
    }

    @Test
    void link_local_addresses_are_refused() {
        assertRefused("http://169.254.1.2/", "link-local");
        assertRefused("http://[fe80::1]/", "link-local");
        assertRefused("http://[febf::1]/", "link-local");
        assertRefused("http://[::ffff:169.254.3.4]/", "link-local");
    }

    @Test
    void cloud_metadata_addresses_and_names_are_refused() {
        assertRefused("http://169.254.169.254/latest/meta-data/", "metadata");
        assertRefused("http://[fd00:ec2::254]/", "metadata");
        assertRefused("http://100.100.100.200/latest/meta-data/", "metadata");
        assertRefused("http://metadata.google.internal/computeMetadata/v1/", "metadata");
        assertRefused("http://METADATA.google.internal./computeMetadata/v1/", "metadata");
        assertRefused("http://metadata.azure.com/metadata/instance", "metadata");
    }

    @Test
    void a_host_name_that_resolves_to_a_refused_address_is_refused() {
        assertRefused("https://rebound.example.com/hook", "metadata");
        assertRefused("https://v6.example.com/hook", "link-local");
    }

    @Test
    void a_host_name_that_does_not_resolve_is_refused() {
        assertRefused("https://nowhere.example.com/hook", "does not resolve");
    }

    @Test
    void the_fe80_range_ends_at_febf() {
        assertThat(check("http://[fec0::1]/")).isInstanceOf(OutboundUrls.Allowed.class);
        assertThat(check("http://169.253.255.255/")).isInstanceOf(OutboundUrls.Allowed.class);
        assertThat(check("http://169.255.0.1/")).isInstanceOf(OutboundUrls.Allowed.class);
    }
}
