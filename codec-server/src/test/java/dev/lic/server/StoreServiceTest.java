package dev.lic.server;

import static dev.lic.server.CodecServiceTest.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.lic.proto.v1.CodecGrpc;
import dev.lic.proto.v1.DecodeRequest;
import dev.lic.proto.v1.DecodeResponse;
import dev.lic.proto.v1.DeleteRequest;
import dev.lic.proto.v1.EncodeRequest;
import dev.lic.proto.v1.EncodeResponse;
import dev.lic.proto.v1.GetRequest;
import dev.lic.proto.v1.ListRequest;
import dev.lic.proto.v1.ListResponse;
import dev.lic.proto.v1.PutRequest;
import dev.lic.proto.v1.PutResponse;
import dev.lic.proto.v1.StoreGrpc;
import dev.lic.proto.v1.StoredBitstream;
import dev.lic.store.ContentId;
import io.grpc.Status;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Put/Get/List/Delete and encode-with-store through the real gRPC server and filesystem store. */
@QuarkusTest
class StoreServiceTest {

    @GrpcClient("store")
    StoreGrpc.StoreBlockingStub store;

    @GrpcClient("codec")
    CodecGrpc.CodecBlockingStub codec;

    @ConfigProperty(name = "lic.store.dir")
    String storeDir;

    private byte[] bitstream(int width, int height) {
        return codec.encode(EncodeRequest.newBuilder().setImage(ByteString.copyFrom(TestImages.png(width, height)))
                .build()).getBitstream().toByteArray();
    }

    private PutResponse put(byte[] b) {
        return store.put(PutRequest.newBuilder().setBitstream(ByteString.copyFrom(b)).build());
    }

    @Test
    void putGetListDelete() {
        byte[] b = bitstream(64, 80);
        PutResponse first = put(b);
        assertThat(first.getId()).isEqualTo(ContentId.of(b));
        assertThat(put(b).getCreated()).isFalse();

        assertThat(store.get(GetRequest.newBuilder().setId(first.getId()).build()).getBitstream().toByteArray())
                .isEqualTo(b);
        assertThat(listAll(2)).anySatisfy(s -> {
            assertThat(s.getId()).isEqualTo(first.getId());
            assertThat(s.getSizeBytes()).isEqualTo(b.length);
            assertThat(s.getWidth()).isEqualTo(64);
            assertThat(s.getHeight()).isEqualTo(80);
            assertThat(s.getCodecId()).hasSize(64);
        });

        AdminCallsTest.withToken(store, AdminCallsTest.TOKEN).delete(DeleteRequest.newBuilder().setId(first.getId()).build());
        assertStatus(() -> store.get(GetRequest.newBuilder().setId(first.getId()).build()),
                Status.Code.NOT_FOUND, first.getId());
        assertStatus(() -> AdminCallsTest.withToken(store, AdminCallsTest.TOKEN)
                .delete(DeleteRequest.newBuilder().setId(first.getId()).build()),
                Status.Code.NOT_FOUND, "no stored bitstream");
    }

    @Test
    void listPagesAreOrderedAndComplete() {
        List<String> ids = new ArrayList<>();
        for (int w = 65; w < 70; w++) {
            ids.add(put(bitstream(w, 64)).getId());
        }
        List<String> listed = listAll(2).stream().map(StoredBitstream::getId).toList();
        assertThat(listed).isSorted().doesNotHaveDuplicates().containsAll(ids);
        assertStatus(() -> store.list(ListRequest.newBuilder().setPageSize(5000).build()),
                Status.Code.INVALID_ARGUMENT, "page_size");
    }

    @Test
    void encodeWithStoreThenDecodeById() {
        EncodeResponse e = codec.encode(EncodeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.png(90, 70))).setStore(true).build());
        assertThat(e.getStoredId()).isEqualTo(ContentId.of(e.getBitstream().toByteArray()));
        DecodeResponse byId = codec.decode(DecodeRequest.newBuilder().setStoredId(e.getStoredId()).build());
        DecodeResponse inline = codec.decode(DecodeRequest.newBuilder().setBitstream(e.getBitstream()).build());
        assertThat(byId.getPng()).isEqualTo(inline.getPng());
    }

    @Test
    void badIdsAndBadBitstreamsAreRefused() {
        assertStatus(() -> store.get(GetRequest.newBuilder().setId("0".repeat(64)).build()),
                Status.Code.NOT_FOUND, "no stored bitstream");
        assertStatus(() -> store.get(GetRequest.newBuilder().setId("../../etc/passwd").build()),
                Status.Code.INVALID_ARGUMENT, "64 lowercase hex");
        assertStatus(() -> codec.decode(DecodeRequest.newBuilder().setStoredId("f".repeat(64)).build()),
                Status.Code.NOT_FOUND, "no stored bitstream");
        assertStatus(() -> put("not a bitstream at all".getBytes()), Status.Code.INVALID_ARGUMENT, "INVALID_BITSTREAM");
        byte[] b = bitstream(64, 64);
        byte[] corrupt = b.clone();
        corrupt[corrupt.length - 10] ^= 1;
        assertStatus(() -> put(corrupt), Status.Code.DATA_LOSS, "CORRUPT_BITSTREAM");
        assertStatus(() -> put(Arrays.copyOf(b, b.length - 1)), Status.Code.DATA_LOSS, "CORRUPT_BITSTREAM");
    }

    @Test
    void objectDamagedOnDiskIsDataLossNotAWrongAnswer() throws Exception {
        byte[] b = bitstream(72, 64);
        String id = put(b).getId();
        Path file = Path.of(storeDir, "objects", id.substring(0, 2), id);
        byte[] onDisk = Files.readAllBytes(file);
        onDisk[onDisk.length / 2] ^= 0x40;
        Files.write(file, onDisk);
        assertStatus(() -> store.get(GetRequest.newBuilder().setId(id).build()), Status.Code.DATA_LOSS, "checksum");
        assertStatus(() -> codec.decode(DecodeRequest.newBuilder().setStoredId(id).build()),
                Status.Code.DATA_LOSS, "checksum");
    }

    @Test
    void strayFilesAndFoldersInTheStoreAreSkippedByList() throws Exception {
        String id = put(bitstream(76, 64)).getId();
        Path objects = Path.of(storeDir, "objects");
        Path shard = objects.resolve(id.substring(0, 2));
        List<Path> strays = List.of(objects.resolve("README.txt"), shard.resolve("notes.txt"),
                shard.resolve(id.substring(0, 2) + "f".repeat(62) + ".bak"));
        List<Path> strayDirs = List.of(objects.resolve("lost+found"), objects.resolve("zz"),
                shard.resolve(id.substring(0, 2) + "e".repeat(62)));
        try {
            for (Path p : strays) {
                Files.writeString(p, "not an object");
            }
            for (Path p : strayDirs) {
                Files.createDirectories(p.resolve("inner"));
            }
            List<String> listed = listAll(3).stream().map(StoredBitstream::getId).toList();
            assertThat(listed).contains(id).isSorted().allMatch(i -> i.matches("[0-9a-f]{64}"))
                    .doesNotContain(id.substring(0, 2) + "e".repeat(62));
        } finally {
            for (Path p : strays) {
                Files.deleteIfExists(p);
            }
            for (Path p : strayDirs) {
                Files.deleteIfExists(p.resolve("inner"));
                Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void concurrentPutsOfTheSameBitstreamCreateItOnce() throws Exception {
        byte[] b = bitstream(88, 64);
        String id = ContentId.of(b);
        Files.deleteIfExists(Path.of(storeDir, "objects", id.substring(0, 2), id));
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<PutResponse>> puts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                puts.add(pool.submit(() -> {
                    start.await();
                    return put(b);
                }));
            }
            start.countDown();
            int created = 0;
            for (Future<PutResponse> f : puts) {
                PutResponse r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.getId()).isEqualTo(id);
                created += r.getCreated() ? 1 : 0;
            }
            assertThat(created).as("Puts that report created").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.get(GetRequest.newBuilder().setId(id).build()).getBitstream().toByteArray()).isEqualTo(b);
    }

    private List<StoredBitstream> listAll(int pageSize) {
        List<StoredBitstream> all = new ArrayList<>();
        String token = "";
        do {
            ListResponse page = store.list(ListRequest.newBuilder().setPageSize(pageSize).setPageToken(token).build());
            assertThat(page.getItemsCount()).isLessThanOrEqualTo(pageSize);
            all.addAll(page.getItemsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }
}
