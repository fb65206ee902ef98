package dev.forgebus.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class EtagCacheTest {
    private static HttpHeaders headers(String etag) {
        return HttpHeaders.of(etag == null ? Map.of() : Map.of("ETag", List.of(etag)), (a, b) -> true);
    }

    @Test
    void keeps_answers_with_an_etag_and_evicts_the_least_recently_used() {
        EtagCache cache = new EtagCache(2);
        URI a = URI.create("http://f/a");
        URI b = URI.create("http://f/b");
        URI c = URI.create("http://f/c");
        cache.remember(a, headers("\"1\""), "[1]");
        cache.remember(b, headers("\"2\""), "[2]");
        assertThat(cache.get(a)).isPresent(); // a is now more recent than b

        cache.remember(c, headers("\"3\""), "[3]");

        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.get(b)).isEmpty();
        assertThat(cache.get(a).orElseThrow().body()).isEqualTo("[1]");
        assertThat(cache.get(c).orElseThrow().etag()).isEqualTo("\"3\"");
    }

    @Test
    void an_answer_without_etag_or_too_large_replaces_nothing_and_forgets_the_old_one() {
        EtagCache cache = new EtagCache();
        URI a = URI.create("http://f/a");
        cache.remember(a, headers("\"1\""), "[1]");

        cache.remember(a, headers(null), "[2]");
        assertThat(cache.get(a)).isEmpty();

        cache.remember(a, headers("\"3\""), "x".repeat(EtagCache.MAX_BODY_CHARS + 1));
        assertThat(cache.get(a)).isEmpty();
    }
}
