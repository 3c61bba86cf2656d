package dev.lic.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lic.store.ContentId;
import dev.lic.store.s3.S3TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store commands offline: put, ls, get, rm and decode/encode by id on a store this process opens itself
 * (the store module's filesystem store, and the S3 store on a real S3 server, S3Proxy on loopback), with the
 * exit codes of docs/errors.md.
 */
class OfflineStoreTest {
    @TempDir
    Path dir;

    private final CliRun cli = new CliRun();

    @Test
    void aFilesystemStoreServesPutListGetDecodeAndRemove() throws Exception {
        Path lic = dir.resolve("k.lic");
        String store = dir.resolve("store").toString();
        assertThat(cli.run("encode", "--offline", CliRun.kodak(4).toString(), "-o", lic.toString())).isZero();
        byte[] bitstream = Files.readAllBytes(lic);
        String id = ContentId.of(bitstream);

        assertThat(cli.run("put", "--store-dir", store, lic.toString())).isZero();
        assertThat(cli.output().trim()).isEqualTo(id);
        assertThat(cli.run("put", "--offline", "--store-dir", store, lic.toString())).isZero();
        assertThat(cli.output().trim()).isEqualTo(id + " (already stored)");
        assertThat(dir.resolve("store/objects").resolve(id.substring(0, 2)).resolve(id)).isRegularFile();

        assertThat(cli.run("ls", "--store-dir", store)).isZero();
        assertThat(cli.output()).startsWith(id).contains("512x768");

        Path back = dir.resolve("back.lic");
        assertThat(cli.run("get", "--store-dir", store, id, "-o", back.toString())).isZero();
        assertThat(Files.readAllBytes(back)).isEqualTo(bitstream);

        Path png = dir.resolve("k.png");
        assertThat(cli.run("decode", "--offline", "--id", id, "--store-dir", store, "-o", png.toString())).isZero();
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(512);
        assertThat(image.getHeight()).isEqualTo(768);

        assertThat(cli.run("rm", "--store-dir", store, id)).isZero();
        assertThat(cli.run("get", "--store-dir", store, id, "-o", back.toString())).as("NOT_FOUND").isEqualTo(9);
        assertThat(cli.run("decode", "--offline", "--id", id, "--store-dir", store, "-o", png.toString())).isEqualTo(9);
    }

    @Test
    void encodeStoreKeepsTheBitstreamInTheOfflineStore() throws Exception {
        Path lic = dir.resolve("k.lic");
        String store = dir.resolve("store").toString();
        assertThat(cli.run("encode", "--store", "--store-dir", store, CliRun.kodak(4).toString(), "-o", lic.toString())).isZero();
        String id = ContentId.of(Files.readAllBytes(lic));
        assertThat(cli.output()).contains("stored as " + id);
        assertThat(cli.run("get", "--store-dir", store, id, "-o", dir.resolve("x.lic").toString())).isZero();
        // The store options without --store: the user asked to keep nothing, so they are a mistake.
        assertThat(cli.run("encode", "--store-dir", store, CliRun.kodak(4).toString(), "-o", lic.toString())).isEqualTo(2);
    }

    @Test
    void badInputGetsItsExitCode() throws Exception {
        String store = dir.resolve("store").toString();
        Path text = dir.resolve("notes.lic");
        Files.writeString(text, "not a bitstream");
        assertThat(cli.run("put", "--store-dir", store, text.toString())).as("INVALID_BITSTREAM").isEqualTo(5);
        assertThat(cli.run("put", "--offline", text.toString())).as("no store named").isEqualTo(2);
        assertThat(cli.run("get", "--store-dir", store, "not-an-id", "-o", dir.resolve("x").toString())).isEqualTo(2);
        assertThat(cli.run("ls", "--store-dir", store, "--store-s3-bucket", "b")).as("two stores").isEqualTo(2);

        // An object whose bytes do not match its id: STORE_CORRUPT, not written cli.output().
        String forged = ContentId.of(new byte[] {1});
        Path object = dir.resolve("store/objects").resolve(forged.substring(0, 2)).resolve(forged);
        Files.createDirectories(object.getParent());
        Files.write(object, new byte[] {2});
        Path target = dir.resolve("forged.lic");
        assertThat(cli.run("get", "--store-dir", store, forged, "-o", target.toString())).isEqualTo(6);
        assertThat(target).doesNotExist();
    }

    @Test
    void anS3StoreIsUsedWithTheServersSettingNames() throws Exception {
        Path lic = dir.resolve("k.lic");
        assertThat(cli.run("encode", "--offline", CliRun.kodak(4).toString(), "-o", lic.toString())).isZero();
        String id = ContentId.of(Files.readAllBytes(lic));
        try (S3TestServer s3 = new S3TestServer("lic-cli")) {
            System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
            System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
            String[] where = {"--store-s3-bucket", "lic-cli", "--store-s3-endpoint", s3.endpoint().toString(),
                "--store-s3-path-style", "--store-s3-prefix", "cli/"};
            assertThat(cli.run(concat(new String[] {"put", lic.toString()}, where))).isZero();
            assertThat(cli.output().trim()).isEqualTo(id);
            Path back = dir.resolve("back.lic");
            assertThat(cli.run(concat(new String[] {"get", id, "-o", back.toString()}, where))).isZero();
            assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(lic));
            assertThat(cli.run(concat(new String[] {"ls"}, where))).isZero();
            assertThat(cli.output()).startsWith(id);
            String[] missing = {"--store-s3-bucket", "absent", "--store-s3-endpoint", s3.endpoint().toString(),
                "--store-s3-path-style"};
            assertThat(cli.run(concat(new String[] {"ls"}, missing))).as("UNAVAILABLE").isEqualTo(11);
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
