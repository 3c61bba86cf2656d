package dev.lic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreConfigTest {
    private static final String ID = "ab" + "0".repeat(62);

    @Test
    void prefixesAreFolders() {
        assertThat(StoreConfig.normalisePrefix(null)).isEmpty();
        assertThat(StoreConfig.normalisePrefix("")).isEmpty();
        assertThat(StoreConfig.normalisePrefix("photos")).isEqualTo("photos/");
        assertThat(StoreConfig.normalisePrefix("/a/b/")).isEqualTo("a/b/");
    }

    @Test
    void objectUrisFollowEachStoresLayout(@TempDir Path dir) {
        StoreConfig fs = StoreConfig.filesystem(dir);
        assertThat(fs.uriOf(ID)).isEqualTo(dir.resolve("objects/ab/" + ID).toUri().toString());
        StoreConfig s3 = StoreConfig.s3("http://127.0.0.1:9", null, "b", true, "prod");
        assertThat(s3.uriOf(ID)).isEqualTo("s3://b/prod/bitstreams/" + ID);
        assertThat(s3.s3Region()).isEqualTo(StoreConfig.DEFAULT_REGION);
        assertThat(s3.uriOf("nope")).isEqualTo("s3://b/prod/ at http://127.0.0.1:9: nope");
    }

    @Test
    void incompleteSettingsAreInvalidArguments() {
        assertThatThrownBy(() -> StoreConfig.s3(null, null, " ", false, ""))
                .isInstanceOfSatisfying(LicException.class, StoreConfigTest::isInvalidArgument)
                .hasMessageContaining("bucket");
        assertThatThrownBy(() -> StoreConfig.s3("minio:9000", null, "b", false, ""))
                .hasMessageContaining("http(s) URI");
        assertThatThrownBy(() -> new StoreConfig(StoreConfig.Kind.FILESYSTEM, null, null, null, null, false, ""))
                .hasMessageContaining("folder");
        assertThatThrownBy(() -> StoreConfig.Kind.parse("ftp")).hasMessageContaining("filesystem or s3");
        assertThat(StoreConfig.Kind.parse("S3")).isEqualTo(StoreConfig.Kind.S3);
    }

    @Test
    void commandLineOptionsNameAStoreByWhatTheyGive(@TempDir Path dir) {
        assertThat(StoreConfig.fromOptions(null, null, "http://x:9", null, null, false, "p")).isEmpty();
        assertThat(StoreConfig.fromOptions(null, dir.toString(), null, null, null, false, "")).get()
                .extracting(StoreConfig::kind, StoreConfig::dir)
                .containsExactly(StoreConfig.Kind.FILESYSTEM, dir.toAbsolutePath().normalize().toString());
        assertThat(StoreConfig.fromOptions(null, null, "http://x:9", "eu-west-1", "b", true, "p")).get()
                .isEqualTo(StoreConfig.s3("http://x:9", "eu-west-1", "b", true, "p/"));
        assertThatThrownBy(() -> StoreConfig.fromOptions(null, dir.toString(), null, null, "b", false, ""))
                .isInstanceOfSatisfying(LicException.class, StoreConfigTest::isInvalidArgument)
                .hasMessageContaining("two stores");
        // an explicit kind chooses between the two, and then needs what that kind needs
        assertThat(StoreConfig.fromOptions("s3", dir.toString(), null, null, "b", false, "")).get()
                .extracting(StoreConfig::kind).isEqualTo(StoreConfig.Kind.S3);
        assertThatThrownBy(() -> StoreConfig.fromOptions("filesystem", null, null, null, "b", false, ""))
                .hasMessageContaining("folder");
    }

    @Test
    void aFilesystemConfigOpensTheFilesystemStore(@TempDir Path dir) {
        BitstreamStore store = BitstreamStores.open(StoreConfig.filesystem(dir), 1 << 20, EntryDescriber.NONE);
        String id = store.put(new byte[] {1, 2, 3}).id();
        assertThat(store.ids("", 10)).containsExactly(id);
        assertThat(dir.resolve("objects").resolve(id.substring(0, 2)).resolve(id)).isRegularFile();
    }

    @Test
    void s3WithoutItsModuleIsABadArgument() {
        // lic-store alone has no S3 provider on its class path.
        StoreConfig s3 = StoreConfig.s3(null, null, "b", false, "");
        assertThatThrownBy(() -> BitstreamStores.open(s3, 1, EntryDescriber.NONE))
                .isInstanceOfSatisfying(LicException.class, StoreConfigTest::isInvalidArgument)
                .hasMessageContaining("lic-store-s3");
    }

    private static void isInvalidArgument(LicException e) {
        assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT);
    }
}
