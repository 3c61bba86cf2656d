package dev.lic.cli;

import dev.lic.client.LicClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a stored bitstream.")
final class RemoveCommand implements Callable<Integer> {
    @Mixin
    ServerOptions server;

    @Mixin
    OfflineStoreOption offline;

    @Parameters(index = "0", description = "id")
    String id;

    @Override
    public Integer call() {
        var local = offline.local();
        if (local.isPresent()) {
            try (LocalStore store = new LocalStore(local.get())) {
                store.store().delete(id);
            }
            return 0;
        }
        try (LicClient client = server.connect()) {
            client.delete(id);
        }
        return 0;
    }
}
