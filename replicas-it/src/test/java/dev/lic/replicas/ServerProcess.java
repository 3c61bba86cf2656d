package dev.lic.replicas;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code codec-server/target/quarkus-app/quarkus-run.jar}) run as its own process on
 * free loopback ports, with settings given as {@code -D} properties; its output goes to a log file.
 */
final class ServerProcess implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofMinutes(3);

    final int grpcPort;
    final int httpPort;
    final Path log;
    private final Process process;

    private ServerProcess(Process process, int grpcPort, int httpPort, Path log) {
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.log = log;
    }

    static Path serverJar() {
        Path jar = Path.of(System.getProperty("lic.server.jar", "../codec-server/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package codec-server first (./mvnw -pl codec-server"
                    + " -am package -DskipTests)");
        }
        return jar;
    }

    static ServerProcess start(String name, Path workDir, Map<String, String> settings) throws IOException {
        int grpc = freePort();
        int http = freePort();
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m",
                "-Dquarkus.grpc.server.port=" + grpc, "-Dquarkus.http.port=" + http,
                "-Dlic.store.dir=" + workDir.resolve("store"), "-Dlic.adaptors.dir=" + workDir.resolve("adaptors")));
        settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(serverJar().toAbsolutePath().toString());
        Path log = workDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new ServerProcess(p, grpc, http, log);
    }

    /** Waits until {@code /q/health/ready} is UP; fails with the server's log if it exits or takes too long. */
    ServerProcess awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + logText());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                        + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the server was not ready within " + START_LIMIT + ":\n" + logText());
    }

    /** Waits for the process to end (a server that must refuse to start); its exit code. */
    int awaitExit(Duration limit) throws Exception {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server still runs after " + limit + ":\n" + logText());
        }
        return process.exitValue();
    }

    String target() {
        return "127.0.0.1:" + grpcPort;
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
