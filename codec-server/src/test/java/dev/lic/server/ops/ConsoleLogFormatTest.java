package dev.lic.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.handlers.ConsoleHandler;
import org.junit.jupiter.api.Test;

/**
 * JSON console logs are an option, off by default: the extension alone would turn them on, so
 * application.properties must keep {@code quarkus.log.console.json.enabled=false}.
 */
@QuarkusTest
class ConsoleLogFormatTest {
    @Test
    void theConsoleWritesPlainTextByDefault() {
        List<ConsoleHandler> consoles = new ArrayList<>();
        for (Handler h : Logger.getLogger("").getHandlers()) {
            collect(h, consoles);
        }
        assertThat(consoles).isNotEmpty();
        assertThat(consoles).allSatisfy(c -> assertThat(c.getFormatter().getClass().getName()).doesNotContainIgnoringCase("json"));
    }

    private static void collect(Handler handler, List<ConsoleHandler> out) {
        if (handler instanceof ConsoleHandler c) {
            out.add(c);
        }
        if (handler instanceof ExtHandler parent) {
            for (Handler nested : parent.getHandlers()) {
                collect(nested, out);
            }
        }
    }
}
