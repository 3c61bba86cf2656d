package dev.lic.core.registry;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import dev.lic.core.Codec;
import dev.lic.core.TestData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two registries over one repository, as two server replicas over one bucket: what one changes the other
 * picks up on {@link PackRegistry#refresh()}, and an activation made on a stale view is refused.
 */
class RegistryReplicasTest {
    @TempDir
    Path dir;

    private Codec a;
    private Codec b;
    private String codecId;

    @BeforeEach
    void open() {
        Path repo = dir.resolve("adaptors");
        a = Codec.open(TestData.tinyOptions(1).withAdaptorRepository(repo));
        b = Codec.open(TestData.tinyOptions(1).withAdaptorRepository(repo));
        codecId = a.defaultCodecId();
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    private static Map<String, byte[]> humanPack(int version) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(TestData.tinyHumanPack())) {
            for (Path f : list.sorted().toList()) {
                files.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        String manifest = new String(files.get("manifest.json"), StandardCharsets.UTF_8);
        files.put("manifest.json", manifest.replace("\"version\": 1", "\"version\": " + version)
                .getBytes(StandardCharsets.UTF_8));
        return files;
    }

    private PackRegistry.AdaptorStatus human(Codec codec) {
        return codec.registry().list().stream().filter(s -> s.name().equals("human") && s.codecId().equals(codecId))
                .findFirst().orElseThrow();
    }

    @Test
    void nothingChangedMeansNoRefresh() {
        assertThat(b.registry().refresh()).isFalse();
    }

    @Test
    void aVersionRegisteredAndActivatedOnOneServesOnTheOtherAfterRefresh() throws Exception {
        PackRegistry.Registered r = a.registry().register(humanPack(2), PackRegistry.Expected.ANY, true)
                .get(60, TimeUnit.SECONDS);
        assertThat(r.state()).isEqualTo(PackRegistry.State.READY);
        assertThat(human(b).activeVersion()).isEqualTo(1);

        assertThat(b.registry().refresh()).isTrue();
        assertThat(human(b).activeVersion()).isEqualTo(2);
        assertThat(human(b).previousVersions()).containsExactly(1);
        assertThat(human(b).versions()).extracting(PackRegistry.VersionStatus::state)
                .containsOnly(PackRegistry.State.READY);
        try (AdaptorLease lease = b.registry().lease(codecId, "human", 0)) {
            assertThat(lease.version()).isEqualTo(2);
        }
        assertThat(b.registry().refresh()).isFalse();

        // Back on a: rollback there, then b follows; deleting the old version on b drops it on a.
        a.registry().refresh();
        assertThat(a.registry().rollback(codecId, "human")).isEqualTo(1);
        b.registry().refresh();
        assertThat(human(b).activeVersion()).isEqualTo(1);
        b.registry().delete(codecId, "human", 2);
        a.registry().refresh();
        assertThat(human(a).versions()).extracting(PackRegistry.VersionStatus::version).containsExactly(1);
    }

    @Test
    void anActivationOnAStaleViewIsAConflictNotALostUpdate() throws Exception {
        a.registry().register(humanPack(2), PackRegistry.Expected.ANY, false).get(60, TimeUnit.SECONDS);
        b.registry().refresh();
        a.registry().activate(codecId, "human", 2);
        // b has not seen a's activation: its own write of the record must not silently overwrite it.
        assertThatThrownBy(() -> b.registry().activate(codecId, "human", 2))
                .isInstanceOfSatisfying(LicException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT);
                    assertThat(e.getMessage()).contains("changed meanwhile");
                });
        assertThat(human(b).activeVersion()).isEqualTo(1);
        b.registry().refresh();
        assertThat(human(b).activeVersion()).isEqualTo(2);
        assertThat(b.registry().rollback(codecId, "human")).isEqualTo(1);
        a.registry().refresh();
        assertThat(human(a).activeVersion()).isEqualTo(1);
    }
}
