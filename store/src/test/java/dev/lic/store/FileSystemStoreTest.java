package dev.lic.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lic.api.ErrorKind;
import dev.lic.api.LicException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemStoreTest {
    @TempDir
    Path root;

    @Test
    void leftoverPartialWritesAreNeverVisibleAndAreCleanedOnStart() throws Exception {
        Files.createDirectories(root.resolve("tmp"));
        Files.write(root.resolve("tmp").resolve("crashed.part"), new byte[] {1, 2, 3});
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        assertThat(store.list("", 10)).isEmpty();
        assertThat(root.resolve("tmp").resolve("crashed.part")).doesNotExist();
    }

    @Test
    void listingPagesThroughEveryObjectInIdOrder() {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            ids.add(store.put(("object " + i).getBytes()).id());
        }
        List<String> listed = new ArrayList<>();
        String after = "";
        List<BitstreamStore.StoredEntry> page;
        while (!(page = store.list(after, 7)).isEmpty()) {
            page.forEach(e -> listed.add(e.id()));
            after = page.get(page.size() - 1).id();
        }
        assertThat(listed).isSorted().hasSize(40).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void concurrentPutsOfTheSameAndOtherObjectsAllLand() throws Exception {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<BitstreamStore.PutResult>> results = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] bytes = ("payload " + (i % 8)).getBytes();
            results.add(pool.submit(() -> store.put(bytes)));
        }
        for (Future<BitstreamStore.PutResult> f : results) {
            String id = f.get().id();
            assertThat(ContentId.of(store.get(id))).isEqualTo(id);
        }
        pool.shutdown();
        assertThat(store.list("", 100)).hasSize(8);
        assertThat(Files.list(root.resolve("tmp"))).isEmpty();
        assertThat(results.stream().filter(f -> f.resultNow().created())).as("one creation per object").hasSize(8);
        assertThat(store.usage()).containsExactly(results.stream().limit(8)
                .mapToLong(f -> store.get(f.resultNow().id()).length).sum(), 8L);
    }

    @Test
    void quotaRefusesAPutThatWouldGoOverAndWritesNothing() throws Exception {
        byte[] a = new byte[600];
        byte[] b = new byte[500];
        b[0] = 1;
        FileSystemStore store = new FileSystemStore(root, 1 << 20, new FileSystemStore.Quota(1000, 0));
        assertThat(store.put(a).created()).isTrue();
        assertThatThrownBy(() -> store.put(b)).isInstanceOfSatisfying(LicException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.STORE_FULL);
            assertThat(e).hasMessageContaining("lic.store.max-bytes");
        });
        assertThat(store.list("", 10)).extracting(BitstreamStore.StoredEntry::id).containsExactly(ContentId.of(a));
        assertThat(Files.list(root.resolve("tmp"))).isEmpty();
        assertThat(store.put(a).created()).as("what is stored may be put again").isFalse();
        store.delete(ContentId.of(a));
        assertThat(store.put(b).created()).isTrue();

        FileSystemStore counted = new FileSystemStore(root, 1 << 20, new FileSystemStore.Quota(0, 1));
        assertThat(counted.usage()).as("usage counted at start-up").containsExactly(500L, 1L);
        assertThatThrownBy(() -> counted.put(a)).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e).hasMessageContaining("lic.store.max-objects"));
    }

    @Test
    void listingSkipsWhatIsNotAnObject() throws Exception {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        String id = store.put("kept".getBytes()).id();
        Path objects = root.resolve("objects");
        Path shard = objects.resolve(id.substring(0, 2));
        Files.writeString(objects.resolve("stray.txt"), "x");
        Files.createDirectories(objects.resolve("lost+found").resolve("deep"));
        Files.createDirectories(shard.resolve(id.substring(0, 2) + "0".repeat(62)));
        Files.writeString(shard.resolve("0".repeat(64)), "an id in the wrong shard");
        Files.writeString(shard.resolve(id + ".tmp"), "x");
        assertThat(store.list("", 10)).extracting(BitstreamStore.StoredEntry::id).containsExactly(id);
        assertThat(store.list(id, 10)).isEmpty();
    }

    @Test
    void corruptedObjectIsReportedNotReturned() throws Exception {
        FileSystemStore store = new FileSystemStore(root, 1 << 20);
        String id = store.put("precious".getBytes()).id();
        Files.write(root.resolve("objects").resolve(id.substring(0, 2)).resolve(id), "tampered".getBytes());
        assertThatThrownBy(() -> store.get(id)).isInstanceOfSatisfying(LicException.class,
                e -> assertThat(e.kind()).isEqualTo(ErrorKind.STORE_CORRUPT));
    }
}
