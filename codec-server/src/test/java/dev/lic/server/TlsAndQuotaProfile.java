package dev.lic.server;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server as one would run it exposed: gRPC over TLS with a self-signed certificate generated here at run
 * time (keytool of the running JDK), an empty store of its own with a small quota (2 objects).
 */
public class TlsAndQuotaProfile implements QuarkusTestProfile {
    static final Path DIR = Path.of("target", "tls-and-quota");
    static final Path KEY_STORE = DIR.resolve("server.p12");
    static final Path CERTIFICATE = DIR.resolve("server.crt");
    static final String PASSWORD = "test-only-password";
    static final int MAX_OBJECTS = 2;

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            generateCertificate();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot generate the test certificate", e);
        }
        return Map.of(
                "quarkus.grpc.server.plain-text", "false",
                "quarkus.grpc.server.ssl.key-store", KEY_STORE.toAbsolutePath().toString(),
                "quarkus.grpc.server.ssl.key-store-type", "PKCS12",
                "quarkus.grpc.server.ssl.key-store-password", PASSWORD,
                "lic.store.dir", DIR.resolve("store").toAbsolutePath().toString(),
                "lic.store.max-objects", Integer.toString(MAX_OBJECTS));
    }

    /** A fresh folder: new key pair and certificate for localhost, empty store. */
    private static void generateCertificate() throws IOException, InterruptedException {
        if (Files.exists(DIR)) {
            try (var paths = Files.walk(DIR)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(DIR);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        keytool(keytool, "-genkeypair", "-alias", "lic", "-keyalg", "EC", "-groupname", "secp256r1",
                "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", KEY_STORE.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool(keytool, "-exportcert", "-rfc", "-alias", "lic", "-keystore", KEY_STORE.toString(),
                "-storepass", PASSWORD, "-file", CERTIFICATE.toString());
    }

    private static void keytool(String keytool, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(keytool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    /** A TLS channel to the test server that trusts only the generated certificate. */
    static ManagedChannel tlsChannel(int port) throws IOException {
        ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(CERTIFICATE.toFile()).build();
        return Grpc.newChannelBuilderForAddress("localhost", port, tls).build();
    }
}
