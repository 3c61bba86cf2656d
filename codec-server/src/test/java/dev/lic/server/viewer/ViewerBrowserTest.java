package dev.lic.server.viewer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.client.LicClient;
import dev.lic.core.CodecOptions;
import dev.lic.core.TestData;
import dev.lic.proto.v1.AdaptorState;
import dev.lic.proto.v1.RegisterHeader;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.quarkus.test.common.http.TestHTTPResource;
import dev.lic.server.TestImages;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web viewer at {@code /} end to end in a real headless Chromium driven by Selenium, against a server of
 * its own (a fresh adaptor repository: only the shipped human adaptors). It uploads Kodak kodim23 and checks
 * what the page shows: the bitstream size (the same bytes as the REST encode), the bpp, the human decode and
 * the original at full size, the adaptor list, and "no adaptor yet" for detection and segmentation; then the
 * mechanical task packs of the default codec are registered and the page draws boxes and a class map; a text
 * file upload shows the server's INVALID_IMAGE message. Screenshots go to {@code target/viewer-*.png}.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code .ci/run} installs them); without them
 * the test is skipped with that message, never passed.
 */
@QuarkusTest
@TestProfile(ViewerBrowserTest.FreshAdaptors.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ViewerBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(120);

    /**
     * A server with a fresh repository seeded with the human adaptor only (not the shipped task adaptors), so
     * that the "no adaptor yet" state is certain.
     */
    public static class FreshAdaptors implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lic.adaptors.dir", "target/viewer-adaptors/" + UUID.randomUUID(),
                    "lic.packs.adaptors", "../adaptors/src/main/resources/" + CodecOptions.DEFAULT_HUMAN_ADAPTOR);
        }
    }

    static WebDriver driver;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "SKIPPED: the viewer test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                        + "); install them with: apt-get install -y chromium chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1300,2200");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    static Path kodakFile(int n) {
        return Path.of(System.getProperty("shared.data.dir", "../../shared/data"), "kodak",
                String.format("kodim%02d.png", n)).toAbsolutePath().normalize();
    }

    @Test
    @Order(1)
    void kodakUploadShowsSizeBppBothImagesAndTheAdaptors() throws Exception {
        driver.get(page.toString());
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(d -> d.findElement(By.id("rate")).isEnabled()
                && !d.findElements(By.cssSelector("#adaptors tr[data-name='human']")).isEmpty());
        String rate = "3";
        new Select(driver.findElement(By.id("rate"))).selectByValue(rate);
        upload(kodakFile(23));

        assertThat(driver.findElement(By.id("error")).isDisplayed()).as(driver.findElement(By.id("error")).getText())
                .isFalse();
        byte[] expected = given().contentType("image/png").body(TestImages.kodak(23)).queryParam("rate", rate).post("/v1/encode")
                .then().statusCode(200).extract().asByteArray();
        WebElement size = driver.findElement(By.id("size"));
        assertThat(size.getDomAttribute("data-bytes")).isEqualTo(Integer.toString(expected.length));
        assertThat(size.getText()).startsWith(String.format(Locale.US, "%,d bytes", expected.length));
        assertThat(driver.findElement(By.id("bpp")).getText())
                .isEqualTo(String.format(Locale.ROOT, "%.3f", expected.length * 8.0 / (768 * 512)));
        assertThat(driver.findElement(By.id("dimensions")).getText()).isEqualTo("768 × 512");
        assertThat(driver.findElement(By.id("codec")).getText()).endsWith("rate " + rate);
        assertThat(naturalSize("decoded")).containsExactly(768L, 512L);
        assertThat(naturalSize("original")).containsExactly(768L, 512L);
        assertThat(driver.findElement(By.id("compare-panel")).isDisplayed()).isTrue();

        WebElement human = driver.findElement(By.cssSelector("#adaptors tr[data-name='human']"));
        assertThat(human.getText()).contains("human", "image", "v1", "READY");
        for (String task : List.of("detection", "segmentation")) {
            assertThat(driver.findElement(By.id(task + "-panel")).getDomAttribute("data-state")).isEqualTo("missing");
            assertThat(driver.findElement(By.id(task + "-status")).getText()).startsWith("No " + task + " adaptor for codec");
        }

        // the slider moves the line between the decode and the original
        ((JavascriptExecutor) driver).executeScript("const s = document.getElementById('slider'); s.value = 20;"
                + " s.dispatchEvent(new Event('input'));");
        assertThat(driver.findElement(By.id("decoded")).getCssValue("clip-path")).isEqualTo("inset(0px 80% 0px 0px)");
        screenshot("viewer-kodim23.png");
    }

    @Test
    @Order(2)
    void registeredTaskAdaptorsDrawBoxesAndAClassMap() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget("localhost:9001").usePlaintext()
                .maxInboundMessageSize(LicClient.MAX_MESSAGE_BYTES).build();
        try {
            LicClient client = LicClient.over(channel, Duration.ofSeconds(120), Optional.of("test-admin-token"));
            for (String task : List.of("detection", "segmentation")) {
                var r = client.registerAdaptor(TestData.packFiles(TestData.vectors().resolve("task-packs-default")
                        .resolve(task)), RegisterHeader.newBuilder().setActivate(true).build());
                assertThat(r.getVersion().getState()).as(r.getVersion().getReason()).isEqualTo(AdaptorState.READY);
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        driver.get(page.toString());
        new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.id("rate")).isEnabled());
        upload(kodakFile(23));

        assertThat(driver.findElement(By.id("error")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("detection-panel")).getDomAttribute("data-state")).isEqualTo("shown");
        assertThat(driver.findElement(By.id("detection-status")).getText()).matches("\\d+ boxes from detection v1");
        assertThat(driver.findElements(By.cssSelector("#detection-list li"))).isNotEmpty()
                .first().extracting(WebElement::getText).asString().startsWith("person");
        assertThat(canvasSize("detection-canvas")).containsExactly(768L, 512L);
        assertThat(driver.findElement(By.id("segmentation-panel")).getDomAttribute("data-state")).isEqualTo("shown");
        assertThat(driver.findElement(By.id("segmentation-legend")).getText()).contains("background", "road", "sky");
        assertThat(canvasSize("segmentation-canvas")).containsExactly(768L, 512L);
        assertThat(driver.findElement(By.cssSelector("#adaptors tr[data-name='detection']")).getText())
                .contains("detection", "v1", "READY");
        screenshot("viewer-kodim23-tasks.png");
    }

    @Test
    @Order(3)
    void aNonImageUploadShowsTheServersReason() throws Exception {
        driver.get(page.toString());
        new WebDriverWait(driver, WAIT).until(d -> d.findElement(By.id("rate")).isEnabled());
        Path text = Path.of("target", "not-an-image.txt").toAbsolutePath();
        Files.writeString(text, "hello, this is not an image");
        upload(text);
        WebElement error = driver.findElement(By.id("error"));
        assertThat(error.isDisplayed()).isTrue();
        assertThat(error.getText()).startsWith("INVALID_IMAGE: ");
        for (String stale : List.of("result", "compare-panel", "tasks")) {
            assertThat(driver.findElement(By.id(stale)).isDisplayed()).as(stale).isFalse();
        }
        screenshot("viewer-error.png");
    }

    /** Chooses the file, clicks the button and waits until the page is done (results or an error). */
    private static void upload(Path file) {
        driver.findElement(By.id("file")).sendKeys(file.toString());
        driver.findElement(By.id("encode")).click();
        new WebDriverWait(driver, WAIT).until(d -> !d.findElement(By.id("busy")).isDisplayed()
                && d.findElement(By.id("encode")).isEnabled());
    }

    @SuppressWarnings("unchecked")
    private static List<Long> naturalSize(String id) {
        return (List<Long>) ((JavascriptExecutor) driver).executeScript("const i = document.getElementById(arguments[0]);"
                + " return i.complete ? [i.naturalWidth, i.naturalHeight] : [0, 0];", id);
    }

    @SuppressWarnings("unchecked")
    private static List<Long> canvasSize(String id) {
        return (List<Long>) ((JavascriptExecutor) driver).executeScript("const c = document.getElementById(arguments[0]);"
                + " return c.hidden ? [0, 0] : [c.width, c.height];", id);
    }

    private static void screenshot(String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
