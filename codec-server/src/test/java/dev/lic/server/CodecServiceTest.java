package dev.lic.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.lic.core.TestData;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.CodecInfo;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DescribeRequest;
import dev.lic.proto.v1.DescribeResponse;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.RateInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Random;
import javax.imageio.ImageIO;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Encode/Decode through the real gRPC server with the shipped codec packs (the variable-rate default and
 * the single-rate pack shipped before), good and bad inputs.
 */
@QuarkusTest
class CodecServiceTest {

    @GrpcClient("codec")
    CodecGrpc.CodecBlockingStub codec;

    private EncodeResponse encode(byte[] image) {
        return codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(image)).build());
    }

    private DecodeResponse decode(byte[] bitstream) {
        return codec.decode(DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(bitstream)).build());
    }

    @Test
    void kodakImageRoundTripsToAPngOfTheSameSizeAndReasonableQuality() throws Exception {
        byte[] original = TestImages.kodak(23);
        EncodeResponse e = encode(original);
        assertThat(e.getWidth()).isEqualTo(768);
        assertThat(e.getHeight()).isEqualTo(512);
        assertThat(e.getBpp()).isEqualTo(e.getBitstream().size() * 8.0 / (768 * 512));
        assertThat(e.getBpp()).isBetween(0.02, 2.0);
        assertThat(e.getTimings().getMillisMap()).isNotEmpty();

        DecodeResponse d = decode(e.getBitstream().toByteArray());
        assertThat(d.getAdaptor()).isEqualTo("human");
        assertThat(d.getCodecId()).isEqualTo(e.getCodecId());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(d.getPng().toByteArray()));
        BufferedImage source = ImageIO.read(new ByteArrayInputStream(original));
        assertThat(decoded.getWidth()).isEqualTo(768);
        assertThat(decoded.getHeight()).isEqualTo(512);
        assertThat(TestImages.psnr(source, decoded)).isGreaterThan(22.0);
    }

    @Test
    void oddSizedImageIsCroppedBackToItsSize() throws Exception {
        DecodeResponse d = decode(encode(TestImages.png(77, 130)).getBitstream().toByteArray());
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(d.getPng().toByteArray()));
        assertThat(decoded.getWidth()).isEqualTo(77);
        assertThat(decoded.getHeight()).isEqualTo(130);
    }

    @Test
    void encodingIsDeterministic() {
        byte[] image = TestImages.png(200, 120);
        assertThat(encode(image).getBitstream()).isEqualTo(encode(image).getBitstream());
    }

    @Test
    void concurrentRequestsAllSucceedWithIdenticalResults() throws Exception {
        byte[] image = TestImages.png(160, 96);
        byte[] bitstream = encode(image).getBitstream().toByteArray();
        ByteString png = decode(bitstream).getPng();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<ByteString>> decodes = new ArrayList<>();
            List<Future<ByteString>> encodes = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                decodes.add(pool.submit(() -> decode(bitstream).getPng()));
                encodes.add(pool.submit(() -> encode(image).getBitstream()));
            }
            for (Future<ByteString> f : decodes) {
                assertThat(f.get()).isEqualTo(png);
            }
            for (Future<ByteString> f : encodes) {
                assertThat(f.get().toByteArray()).isEqualTo(bitstream);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void describeListsTheDefaultCodecAndTheHumanAdaptor() {
        DescribeResponse d = codec.describe(DescribeRequest.getDefaultInstance());
        assertThat(d.getCodecsList()).extracting(c -> c.getCodecId()).contains(d.getDefaultCodecId());
        assertThat(d.getAdaptorsList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("human");
            assertThat(a.getCodecId()).isEqualTo(d.getDefaultCodecId());
        });
        assertThat(d.getLimits().getMaxPixels()).isEqualTo(1_000_000L);
        assertThat(d.getLimits().getMaxDimension()).isEqualTo(16_384);
    }

    @Test
    void notAnImageIsInvalidArgument() {
        assertStatus(() -> encode("hello, not an image".getBytes()), Status.Code.INVALID_ARGUMENT, "INVALID_IMAGE");
        assertStatus(() -> encode(new byte[0]), Status.Code.INVALID_ARGUMENT, "empty");
        byte[] png = TestImages.png(64, 64);
        assertStatus(() -> encode(Arrays.copyOf(png, png.length / 2)), Status.Code.INVALID_ARGUMENT, "INVALID_IMAGE");
    }

    @Test
    void aPngWithABadChunkCrcIsInvalidImage() {
        byte[] png = TestImages.png(64, 64);
        encode(png);
        byte[] badCrc = png.clone();
        badCrc[8 + 8 + 13] ^= 1; // the IHDR chunk's CRC, which ImageIO does not check
        assertStatus(() -> encode(badCrc), Status.Code.INVALID_ARGUMENT, "INVALID_IMAGE: PNG image is damaged: chunk 0");
    }

    @Test
    void tooManyPixelsIsResourceExhausted() {
        // The test profile allows 1,000,000 pixels.
        assertStatus(() -> encode(TestImages.png(1100, 1000)), Status.Code.RESOURCE_EXHAUSTED, "TOO_LARGE");
    }

    private CodecInfo defaultCodec() {
        DescribeResponse d = codec.describe(DescribeRequest.getDefaultInstance());
        return d.getCodecsList().stream().filter(c -> c.getCodecId().equals(d.getDefaultCodecId())).findFirst()
                .orElseThrow();
    }

    private EncodeResponse encode(byte[] image, int rate) {
        return codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(image)).setRateIndex(rate).build());
    }

    @Test
    void unknownRateIsInvalidArgument() {
        int rates = defaultCodec().getRatesCount();
        byte[] png = TestImages.png(64, 64);
        assertStatus(() -> encode(png, rates), Status.Code.INVALID_ARGUMENT, "rate index " + rates);
        assertStatus(() -> encode(png, -1), Status.Code.INVALID_ARGUMENT, "rate index 4294967295");
    }

    @Test
    void encodeWithoutRateIndexUsesTheDefaultRateAndSaysWhich() {
        CodecInfo info = defaultCodec();
        assertThat(info.getDefaultRateIndex()).isPositive();
        byte[] png = TestImages.png(160, 96);
        EncodeResponse e = encode(png);
        assertThat(e.getRateIndex()).isEqualTo(info.getDefaultRateIndex());
        assertThat(e.getBitstream().byteAt(6)).as("rate index byte of the header").isEqualTo((byte) e.getRateIndex());
        assertThat(e.getBitstream()).isEqualTo(encode(png, info.getDefaultRateIndex()).getBitstream());

        EncodeResponse lowest = encode(png, 0);
        EncodeResponse highest = encode(png, info.getRatesCount() - 1);
        assertThat(lowest.getRateIndex()).isZero();
        assertThat(highest.getRateIndex()).isEqualTo(info.getRatesCount() - 1);
        assertThat(lowest.getBpp()).isLessThan(e.getBpp());
        assertThat(highest.getBpp()).isGreaterThan(e.getBpp());
        assertThat(decode(highest.getBitstream().toByteArray()).getWidth()).isEqualTo(160);
    }

    @Test
    void describeListsEveryRateOfEachCodec() {
        DescribeResponse d = codec.describe(DescribeRequest.getDefaultInstance());
        assertThat(d.getCodecsList()).hasSize(2);
        CodecInfo vr = defaultCodec();
        assertThat(vr.getName()).isEqualTo("hyperprior-vr");
        assertThat(vr.getRatesCount()).isEqualTo(8);
        assertThat(vr.getRatesList()).extracting(RateInfo::getIndex).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(vr.getRateIndexesList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(vr.getRatesList()).allSatisfy(r -> assertThat(r.getLambda()).isPositive());
        assertThat(vr.getRatesList()).extracting(RateInfo::getLambda).isSorted();
        assertThat(vr.getDefaultRateIndex()).isBetween(0, 7);
        CodecInfo legacy = d.getCodecsList().stream().filter(c -> !c.getCodecId().equals(d.getDefaultCodecId()))
                .findFirst().orElseThrow();
        assertThat(legacy.getName()).isEqualTo("hyperprior-s");
        assertThat(legacy.getRatesList()).singleElement().satisfies(r -> {
            assertThat(r.getIndex()).isZero();
            assertThat(r.getKodakBpp()).as("not in a version 1 manifest").isZero();
        });
        assertThat(legacy.getDefaultRateIndex()).isZero();
        // every READY version: the default codec's human in int8 (2) and float (1), the legacy codec's one
        assertThat(d.getAdaptorsList()).filteredOn(a -> a.getName().equals("human"))
                .extracting(a -> a.getCodecId() + " v" + a.getVersion())
                .containsExactlyInAnyOrder(vr.getCodecId() + " v2", vr.getCodecId() + " v1", legacy.getCodecId() + " v1");
    }

    @Test
    void encodeRequestNamesTheCodecByNameOrId() {
        DescribeResponse d = codec.describe(DescribeRequest.getDefaultInstance());
        CodecInfo legacy = d.getCodecsList().stream().filter(c -> c.getName().equals("hyperprior-s")).findFirst()
                .orElseThrow();
        byte[] png = TestImages.png(96, 64);
        EncodeResponse byName = codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(png))
                .setCodec("hyperprior-s").build());
        assertThat(byName.getCodecId()).isEqualTo(legacy.getCodecId());
        assertThat(byName.getRateIndex()).isZero();
        EncodeResponse byId = codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(png))
                .setCodec(legacy.getCodecId()).build());
        assertThat(byId.getBitstream()).isEqualTo(byName.getBitstream());
        assertThat(decode(byName.getBitstream().toByteArray()).getCodecId()).isEqualTo(legacy.getCodecId());
        assertThat(encode(png).getCodecId()).as("no codec named: the default").isEqualTo(d.getDefaultCodecId());
        assertStatus(() -> codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(png))
                .setCodec("hyperprior-xl").build()), Status.Code.FAILED_PRECONDITION, "codec hyperprior-xl is not loaded");
    }

    @Test
    void storedV1BitstreamStillDecodes() {
        byte[] v1 = TestData.bytes(TestData.vectors().resolve("java/default_blocks_200x130.lic"));
        DecodeResponse d = decode(v1);
        assertThat(d.getWidth()).isEqualTo(200);
        assertThat(d.getHeight()).isEqualTo(130);
        assertThat(d.getCodecId()).isNotEqualTo(codec.describe(DescribeRequest.getDefaultInstance()).getDefaultCodecId());
    }

    @Test
    void rateIndexPastTheCodecsRatesIsFailedPreconditionOnDecode() {
        byte[] b = encode(TestImages.png(64, 64)).getBitstream().toByteArray();
        b[6] = (byte) defaultCodec().getRatesCount();
        assertStatus(() -> decode(TestImages.withFixedCrc(b)), Status.Code.FAILED_PRECONDITION, "rate index");
    }

    @Test
    void badBitstreamsGetTheirStatus() {
        byte[] good = encode(TestImages.png(96, 64)).getBitstream().toByteArray();

        assertStatus(() -> decode(Arrays.copyOf(good, good.length - 9)), Status.Code.DATA_LOSS, "CORRUPT_BITSTREAM");
        byte[] flipped = good.clone();
        flipped[flipped.length - 8] ^= 0x10;
        assertStatus(() -> decode(flipped), Status.Code.DATA_LOSS, "CORRUPT_BITSTREAM");

        byte[] magic = good.clone();
        magic[0] = 'X';
        assertStatus(() -> decode(magic), Status.Code.INVALID_ARGUMENT, "INVALID_BITSTREAM");
        byte[] version = good.clone();
        version[4] = 2;
        assertStatus(() -> decode(TestImages.withFixedCrc(version)), Status.Code.INVALID_ARGUMENT, "UNSUPPORTED_VERSION");
        assertStatus(() -> decode(new byte[] {1, 2, 3}), Status.Code.INVALID_ARGUMENT, "INVALID_BITSTREAM");
        assertStatus(() -> codec.decode(DecodeRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT, "bitstream");
    }

    @Test
    void unknownCodecIsFailedPreconditionNamingIt() {
        byte[] b = encode(TestImages.png(64, 64)).getBitstream().toByteArray();
        Arrays.fill(b, 8, 40, (byte) 0xAB);
        assertStatus(() -> decode(TestImages.withFixedCrc(b)), Status.Code.FAILED_PRECONDITION, "abababab");
    }

    @Test
    void unknownAdaptorIsNotFound() {
        byte[] b = encode(TestImages.png(64, 64)).getBitstream().toByteArray();
        assertStatus(() -> codec.decode(DecodeRequest.newBuilder().setBitstream(ByteString.copyFrom(b))
                .setAdaptor("no-such-task").build()), Status.Code.NOT_FOUND, "no-such-task");
    }

    @Test
    void hugeDeclaredSizeIsRefusedBeforeDecoding() {
        byte[] b = encode(TestImages.png(64, 64)).getBitstream().toByteArray();
        // width = height = 65535: 4.3 G pixels, over the 1 M limit of the test profile.
        b[40] = b[41] = b[44] = b[45] = (byte) 0xFF;
        assertStatus(() -> decode(TestImages.withFixedCrc(b)), Status.Code.RESOURCE_EXHAUSTED, "TOO_LARGE");
    }

    @Test
    void mutatedBitstreamsNeverBreakTheServer() {
        byte[] good = encode(TestImages.png(128, 96)).getBitstream().toByteArray();
        Random random = new Random(1234);
        for (int i = 0; i < 150; i++) {
            byte[] b = mutate(good, random);
            try {
                DecodeResponse d = decode(b);
                assertThat(d.getPng().size()).isPositive();
            } catch (StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).as("mutation %d: %s", i, e.getStatus())
                        .isIn(Status.Code.INVALID_ARGUMENT, Status.Code.DATA_LOSS, Status.Code.FAILED_PRECONDITION,
                                Status.Code.RESOURCE_EXHAUSTED);
            }
        }
        // Still serving.
        assertThat(decode(good).getWidth()).isEqualTo(128);
    }

    private static byte[] mutate(byte[] good, Random random) {
        byte[] b = good.clone();
        switch (random.nextInt(4)) {
            case 0 -> b = Arrays.copyOf(b, random.nextInt(b.length));
            case 1 -> b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
            case 2 -> {
                // Past the header, with a valid CRC: only the entropy decoder's own checks can catch it.
                int at = 56 + random.nextInt(b.length - 60);
                b[at] ^= (byte) (1 + random.nextInt(255));
                b = TestImages.withFixedCrc(b);
            }
            default -> {
                byte[] r = new byte[random.nextInt(200)];
                random.nextBytes(r);
                b = r;
            }
        }
        return b;
    }

    static void assertStatus(ThrowingCallable call, Status.Code code, String descriptionPart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).containsIgnoringCase(descriptionPart);
        });
    }
}
