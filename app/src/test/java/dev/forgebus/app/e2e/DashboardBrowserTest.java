package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import dev.forgebus.fakeforge.FakeForge;

/**
 * The dashboard in a real browser (issue 14, item 2): headless Debian chromium driven by
 * Selenium against {@code run} in this JVM and a fake forge. Skipped, saying why, only where
 * chromium or chromedriver is not installed ({@code .ci/run} installs both).
 *
 * <p>With {@code -Dforgebus.dashboard.screenshots=true} the screenshot of each page is copied
 * to {@code docs/dashboard/} (otherwise they stay in {@code target/dashboard-screenshots/}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final String JOBS = """
            cron_dispatch:
              - { name: codeql, schedule: "0 2 * * 1", time_zone: Europe/Berlin, workflow: codeql.yml, repos: ["MyOrg/*"] }
            """;

    @TempDir
    static Path dir;
    private FakeForge forge;
    private RunningForgebus forgebus;
    private WebDriver browser;
    private String dashboard;

    @BeforeAll
    void start() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) {
            System.out.println("DashboardBrowserTest skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing (apt-get install chromium chromium-driver; .ci/run does)");
        }
        Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed");
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgebus = new RunningForgebus(RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), JOBS),
                dir.resolve("data"));
        dashboard = "http://127.0.0.1:" + forgebus.managementPort + "/dashboard/";
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1280,900", "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (forgebus != null) {
            forgebus.close();
        }
        if (forge != null) {
            forge.close();
        }
    }

    @Test
    @Order(1)
    void an_operator_signs_in_sees_a_delivery_with_its_trace_and_replays_a_dead_letter_from_the_page() throws Exception {
        // Given the dashboard in a tab that holds no token, signed in with the admin token
        browser.get(dashboard);
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.navigate().refresh();
        visible(By.id("sign-in-page"));
        screenshot("sign-in");
        browser.findElement(By.id("token")).sendKeys(RunningForgebus.ADMIN_TOKEN);
        browser.findElement(By.id("sign-in")).click();
        visible(By.id("per-minute"));
        assertThat(browser.getCurrentUrl()).doesNotContain(RunningForgebus.ADMIN_TOKEN);

        // When a signed webhook is delivered, it is on the recent deliveries page with its trace
        forge.createIssue("MyOrg", "app", 1, "App crash on start");
        String delivery = RunningForgebus.newDelivery();
        assertThat(forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", 1, "App crash on start"))
                .statusCode()).isEqualTo(202);
        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", 1).contains("bug"));
        open("#deliveries?q=" + delivery);
        WebElement row = untilPresent(By.cssSelector("tr.delivery-row[data-delivery='" + delivery + "']"), "#deliveries?q=" + delivery);
        assertThat(row.getText()).contains("MyOrg/app").contains("issues.opened").contains("triage: DONE");
        row.click();
        WebElement trace = visible(By.id("trace"));
        assertThat(trace.getText()).contains(delivery).contains("\"module\": \"triage\"").contains("\"status\": \"DONE\"");
        screenshot("deliveries");

        // And a delivery signed with the wrong secret is listed as refused by the gateway, with its reason
        String refused = RunningForgebus.newDelivery();
        assertThat(forgebus.postGithub("issues", refused, RunningForgebus.issueOpened("app", 3, "Refused"), "not-the-secret")
                .statusCode()).isEqualTo(401);
        WebElement refusal = untilPresent(By.xpath("//table[@id='rejections']//tr[contains(., '" + refused + "')]"),
                "#deliveries?q=" + refused);
        assertThat(refusal.getText()).contains("bad_signature").contains("401").contains("github");
        screenshot("refused");

        // And a delivery whose label call the forge refuses dead-letters and is on the dead letters page
        forge.createIssue("MyOrg", "app", 2, "Docs are wrong");
        String failing = RunningForgebus.newDelivery();
        forge.failNext(1, 422);
        forgebus.postGithub("issues", failing, RunningForgebus.issueOpened("app", 2, "Docs are wrong"));
        open("#dlq");
        WebElement letter = untilPresent(By.cssSelector("tr.dead-letter-row[data-delivery='" + failing + "']"), "#dlq");
        assertThat(letter.getText()).contains("triage").contains("422");

        // When the operator previews the replay, then replays it once the forge works again
        letter.findElement(By.cssSelector("button.preview")).click();
        WebElement preview = visible(By.id("preview"));
        assertThat(preview.getText()).contains(failing).contains("triage");
        assertThat(forge.labels("MyOrg", "app", 2)).as("a preview replays nothing").isEmpty();
        screenshot("dead-letters");
        browser.findElement(By.id("replay-confirm")).click();
        assertThat(visible(By.id("replayed")).getText()).contains(failing);

        // Then the replayed item is handled: the issue gets its label
        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", 2).contains("documentation"));
        open("#deliveries?q=" + failing);
        untilPresent(By.cssSelector("tr.delivery-row[data-delivery='" + failing + "']"), "#deliveries?q=" + failing);
    }

    @Test
    @Order(2)
    void the_other_pages_show_stats_budgets_jobs_and_a_repository_config_with_its_provenance() throws Exception {
        browser.get(dashboard);
        signedIn();

        open("#overview");
        assertThat(visible(By.id("modules")).getText()).contains("triage");
        screenshot("overview");

        open("#budgets");
        visible(By.id("budgets"));
        assertThat(browser.findElement(By.id("page")).getText()).doesNotContain("e2e-forge-token");
        screenshot("budgets");

        open("#jobs");
        assertThat(visible(By.id("jobs")).getText()).contains("cron-dispatch:codeql").contains("Europe/Berlin");
        screenshot("jobs");

        open("#config?forge=github&owner=MyOrg&repo=quiet");
        String config = visible(By.id("config-modules")).getText();
        assertThat(config).doesNotContain("e2e-forge-token");
        assertThat(config).containsPattern("triage\\s+no\\s+repository \\(over org\\)");
        screenshot("config");
    }

    private void signedIn() {
        Object token = ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem('forgebus.adminToken')");
        if (token == null) {
            visible(By.id("sign-in-page"));
            browser.findElement(By.id("token")).sendKeys(RunningForgebus.ADMIN_TOKEN);
            browser.findElement(By.id("sign-in")).click();
            visible(By.id("nav"));
        }
    }

    private void open(String hash) {
        browser.get(dashboard + hash);
    }

    /** Reloads {@code hash} until {@code what} is on the page (the data arrive asynchronously). */
    private WebElement untilPresent(By what, String hash) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
            open(hash);
            browser.navigate().refresh();
            return waitForPage() && !browser.findElements(what).isEmpty();
        });
        return browser.findElement(what);
    }

    private boolean waitForPage() {
        await().atMost(Duration.ofSeconds(10)).until(() -> !browser.findElement(By.id("status")).getText().isEmpty()
                || !browser.findElements(By.id("page-error")).isEmpty());
        return true;
    }

    private WebElement visible(By what) {
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> browser.findElement(what).isDisplayed());
        return browser.findElement(what);
    }

    private void screenshot(String page) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Files.createDirectories(Path.of("target", "dashboard-screenshots")).resolve(page + ".png");
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("forgebus.dashboard.screenshots")) {
            Path docs = Files.createDirectories(Path.of("..", "docs", "dashboard"));
            Files.copy(shot.toPath(), docs.resolve(page + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
