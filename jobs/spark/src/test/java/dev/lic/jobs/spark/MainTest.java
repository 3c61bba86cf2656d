package dev.lic.jobs.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code lic-spark} command line on the tests' local session: the printed summaries, and the exit codes
 * of docs/errors.md for bad arguments and locations (a bad image is a row, never a non-zero exit).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MainTest {
    private Path tmp;
    private Path input;

    @BeforeAll
    void images(@TempDir Path dir) {
        tmp = dir;
        input = dir.resolve("images");
        TestSpark.write(input.resolve("a.png"), TestSpark.png(96, 64));
        TestSpark.write(input.resolve("nested/b.png"), TestSpark.png(64, 80));
        TestSpark.write(input.resolve("nested/c.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        TestSpark.session();
    }

    @Test
    void encodeThenDecodePrintTheirSummaries() {
        Result encode = run("encode", input.toString(), "-o", tmp.resolve("out").toString(), "--rate", "2");
        assertThat(encode.code).as(encode.err).isZero();
        assertThat(encode.out).contains("images 3: encoded 2, failed 1", "bytes ", "mean bpp ", "images/s",
                "nested/c.png: INVALID_IMAGE", "bitstreams " + tmp.resolve("out/bitstreams"),
                "table " + tmp.resolve("out/table"));

        Result decode = run("decode", tmp.resolve("out/bitstreams").toString(), "-o", tmp.resolve("dec").toString());
        assertThat(decode.code).as(decode.err).isZero();
        assertThat(decode.out).contains("bitstreams 2: decoded 2, failed 0 (task image)", "pngs 2",
                "output " + tmp.resolve("dec/png"));
    }

    @Test
    void aRateOutOfRangeIsExit2() {
        Result r = run("encode", input.toString(), "-o", tmp.resolve("rate").toString(), "--rate", "99");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("INVALID_ARGUMENT", "rate index 99");
    }

    @Test
    void aMissingInputFolderIsExit12() {
        Result r = run("encode", tmp.resolve("absent").toString(), "-o", tmp.resolve("none").toString());
        assertThat(r.code).isEqualTo(12);
        assertThat(r.err).contains("absent");
    }

    @Test
    void anUnknownAdaptorIsExit8() {
        Result r = run("decode", input.toString(), "-o", tmp.resolve("x").toString(), "--adaptor", "no-such-task");
        assertThat(r.code).isEqualTo(8);
        assertThat(r.err).contains("UNKNOWN_ADAPTOR", "--adaptor-pack");
    }

    @Test
    void anObjectStoreOutputIsRefusedWithTheReason() {
        Result r = run("encode", input.toString(), "-o", "s3a://bucket/out");
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("--output s3a://bucket/out must be a local or shared file system path");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run().code).isEqualTo(2);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
