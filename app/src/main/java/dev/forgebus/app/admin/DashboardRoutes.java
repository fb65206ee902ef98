package dev.forgebus.app.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The dashboard's static files ({@code /dashboard/}), from the jar's {@code dashboard/}
 * resources. They hold no data, so they are served without the admin token; every figure the
 * pages show comes from {@code /admin} with the token the operator pastes (kept in the tab's
 * {@code sessionStorage}, sent only as {@code Authorization: Bearer}). Only the files named in
 * {@link #FILES} exist: no path from the request ever reaches the class loader.
 *
 * <p>Every answer carries a Content-Security-Policy that allows scripts, styles and fetches from
 * this origin only and no inline script, so data that slipped into the page as markup could not
 * run; the pages also put API data in with {@code textContent}, never as HTML.
 */
public final class DashboardRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";
    /** Served name → content type. */
    static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "dashboard.css", "text/css; charset=utf-8",
            "dashboard.js", "text/javascript; charset=utf-8",
            "api.js", "text/javascript; charset=utf-8",
            "dom.js", "text/javascript; charset=utf-8",
            "pages.js", "text/javascript; charset=utf-8");

    private final Map<String, byte[]> contents;

    public DashboardRoutes() {
        this.contents = FILES.keySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(n -> n, DashboardRoutes::load));
    }

    private static byte[] load(String name) {
        try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard file missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void register(RoutesConfig routes) {
        // The router ignores trailing slashes: this is /dashboard and /dashboard/ alike (the page
        // names its files by absolute path, so either works).
        routes.get("/dashboard/", ctx -> serve(ctx, "index.html"));
        routes.get("/dashboard/{file}", ctx -> serve(ctx, ctx.pathParam("file")));
    }

    private void serve(Context ctx, String name) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-cache");
        byte[] body = contents.get(name);
        if (body == null) {
            ctx.status(404).contentType("text/plain; charset=utf-8").result("not found");
            return;
        }
        ctx.status(200).contentType(FILES.get(name)).result(body);
    }
}
