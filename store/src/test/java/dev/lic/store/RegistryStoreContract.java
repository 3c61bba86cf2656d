package dev.lic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every {@link RegistryStore} must do; each implementation's test extends this. */
public abstract class RegistryStoreContract {
    protected static final String CODEC = "ab".repeat(32);

    /** A fresh, empty store (each call in one test sees the same storage). */
    protected abstract RegistryStore newStore();

    protected static Map<String, byte[]> pack(String manifest) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("manifest.json", manifest.getBytes(StandardCharsets.UTF_8));
        files.put("synthesis.onnx", new byte[] {0, 1, 2, 3});
        return files;
    }

    @Test
    void aWrittenVersionIsListedAndReadBackFileByFile() throws Exception {
        RegistryStore store = newStore();
        assertThat(store.listVersions()).isEmpty();
        assertThat(store.hasAdaptor(CODEC, "human")).isFalse();
        store.writeVersion(CODEC, "human", 2, pack("two"));
        store.writeVersion(CODEC, "human", 1, pack("one"));
        store.writeVersion(CODEC, "detection", 1, pack("det"));
        assertThat(store.listVersions()).containsExactly(
                new RegistryStore.VersionKey(CODEC, "detection", 1),
                new RegistryStore.VersionKey(CODEC, "human", 1),
                new RegistryStore.VersionKey(CODEC, "human", 2));
        assertThat(store.hasAdaptor(CODEC, "human")).isTrue();
        assertThat(new String(store.readFile(CODEC, "human", 2, "manifest.json"), StandardCharsets.UTF_8))
                .isEqualTo("two");
        assertThat(store.readFile(CODEC, "human", 1, "synthesis.onnx")).containsExactly(0, 1, 2, 3);
        assertThatThrownBy(() -> store.readFile(CODEC, "human", 1, "labels.txt"))
                .isInstanceOf(NoSuchFileException.class);
        assertThat(store.describe(CODEC, "human", 2)).contains("human").contains("2");
    }

    @Test
    void anExistingVersionIsNeverOverwritten() throws Exception {
        RegistryStore store = newStore();
        store.writeVersion(CODEC, "human", 1, pack("one"));
        assertThatThrownBy(() -> store.writeVersion(CODEC, "human", 1, pack("other")))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThat(new String(store.readFile(CODEC, "human", 1, "manifest.json"), StandardCharsets.UTF_8))
                .isEqualTo("one");
    }

    @Test
    void deletedVersionsAndAdaptorsAreGone() {
        RegistryStore store = newStore();
        store.writeVersion(CODEC, "human", 1, pack("one"));
        store.writeVersion(CODEC, "human", 2, pack("two"));
        store.writeActive(CODEC, "human", "{\"active\":1}".getBytes(StandardCharsets.UTF_8), null);
        store.deleteVersion(CODEC, "human", 2);
        store.deleteVersion(CODEC, "human", 7); // absent: nothing happens
        assertThat(store.listVersions()).containsExactly(new RegistryStore.VersionKey(CODEC, "human", 1));
        store.deleteAdaptor(CODEC, "human");
        assertThat(store.listVersions()).isEmpty();
        assertThat(store.hasAdaptor(CODEC, "human")).isFalse();
        assertThat(store.readActive(CODEC, "human")).isEmpty();
    }

    @Test
    void theActiveRecordIsReplacedOnlyByWhoeverSawTheCurrentOne() {
        RegistryStore store = newStore();
        assertThat(store.readActive(CODEC, "human")).isEmpty();
        String first = store.writeActive(CODEC, "human", "{\"active\":1}".getBytes(StandardCharsets.UTF_8), null);
        RegistryStore.Tagged read = store.readActive(CODEC, "human").orElseThrow();
        assertThat(new String(read.bytes(), StandardCharsets.UTF_8)).isEqualTo("{\"active\":1}");
        assertThat(read.tag()).isEqualTo(first);

        String second = store.writeActive(CODEC, "human", "{\"active\":2}".getBytes(StandardCharsets.UTF_8), first);
        assertThat(second).isNotEqualTo(first);
        // A writer that still holds the first tag (another replica's stale view) loses, and changes nothing.
        assertThatThrownBy(() -> store.writeActive(CODEC, "human", "{\"active\":3}".getBytes(StandardCharsets.UTF_8),
                first)).isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThatThrownBy(() -> store.writeActive(CODEC, "human", "{\"active\":3}".getBytes(StandardCharsets.UTF_8),
                null)).isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
        assertThat(new String(store.readActive(CODEC, "human").orElseThrow().bytes(), StandardCharsets.UTF_8))
                .isEqualTo("{\"active\":2}");
    }

    @Test
    void theChangeTagMovesAfterEveryMutation() {
        RegistryStore store = newStore();
        String t0 = store.changeTag();
        assertThat(store.changeTag()).isEqualTo(t0);
        store.writeVersion(CODEC, "human", 1, pack("one"));
        String t1 = store.changeTag();
        assertThat(t1).isNotEqualTo(t0);
        String tag = store.writeActive(CODEC, "human", "{\"active\":1}".getBytes(StandardCharsets.UTF_8), null);
        String t2 = store.changeTag();
        assertThat(t2).isNotEqualTo(t1);
        store.writeActive(CODEC, "human", "{\"active\":1,\"previous\":[]}".getBytes(StandardCharsets.UTF_8), tag);
        String t3 = store.changeTag();
        assertThat(t3).isNotEqualTo(t2);
        store.deleteVersion(CODEC, "human", 1);
        assertThat(store.changeTag()).isNotEqualTo(t3);
        assertThat(store.changeTag()).isEqualTo(store.changeTag());
    }
}
