package dev.lic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemRegistryStoreTest extends RegistryStoreContract {
    @TempDir
    Path dir;

    @Override
    protected RegistryStore newStore() {
        return new FileSystemRegistryStore(dir.resolve("adaptors"));
    }

    @Test
    void leftoversOfAnInterruptedWriteAreNeverListedAndAreRemoved() throws Exception {
        FileSystemRegistryStore store = new FileSystemRegistryStore(dir);
        Path staging = dir.resolve(CODEC).resolve("human").resolve(".staging-3-x");
        Files.createDirectories(staging);
        Files.write(staging.resolve("manifest.json"), new byte[] {1});
        assertThat(store.listVersions()).isEmpty();
        assertThat(staging).doesNotExist();
        // Later listings (polls) leave staging folders alone: a write may be in progress.
        Files.createDirectories(staging);
        assertThat(store.listVersions()).isEmpty();
        assertThat(staging).exists();
    }

    @Test
    void namesThatCouldLeaveTheFolderAreRefused() {
        FileSystemRegistryStore store = new FileSystemRegistryStore(dir);
        assertThatThrownBy(() -> store.readFile(CODEC, "human", 1, "../../x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.hasAdaptor("../" + CODEC.substring(3), "human"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.writeActive(CODEC, "Human/..", new byte[0], null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aCompareAndSetOnAnUnseenRecordIsAConflict() {
        RegistryStore store = newStore();
        store.writeActive(CODEC, "human", "{\"active\":1}".getBytes(), null);
        assertThatThrownBy(() -> store.writeActive(CODEC, "human", "{\"active\":2}".getBytes(), null))
                .isInstanceOfSatisfying(LicException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT));
    }
}
