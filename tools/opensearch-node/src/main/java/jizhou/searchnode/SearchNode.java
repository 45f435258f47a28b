package jizhou.searchnode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, for the search tests and the benchmark: single-node discovery, HTTP
 * on 127.0.0.1:PORT, data and logs under DIR (a temporary directory when not given), no security.
 *
 * Usage: java -Xmx512m -cp target/classes:target/lib/* jizhou.searchnode.SearchNode PORT [DIR]
 *
 * The modules a distribution would load from its modules/ folder are given as classpath plugins instead:
 * transport-netty4 (the HTTP and transport layers) and analysis-common (cjk_bigram and friends).
 */
public final class SearchNode extends Node {

    private static final List<Class<? extends Plugin>> PLUGINS =
        List.of(Netty4Plugin.class, CommonAnalysisPlugin.class);

    private SearchNode(Settings settings) {
        super(
            InternalSettingsPreparer.prepareEnvironment(settings, Collections.emptyMap(), null, () -> "search-node"),
            PLUGINS,
            true
        );
    }

    static Settings settings(int port, Path home) {
        return Settings.builder()
            .put("cluster.name", "jizhou-search-" + port)
            .put("node.name", "search-node")
            .put("path.home", home.toString())
            .put("path.data", home.resolve("data").toString())
            .put("path.logs", home.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", Integer.toString(port))
            // Transport is unused by a single node; the first free port of the default range is taken.
            .put("transport.port", "9300-9500")
            .put("discovery.type", "single-node")
            // A nearly full disk on a test machine must not turn the indices read-only.
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", false)
            .build();
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SearchNode PORT [DIR]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = args.length > 1 ? Files.createDirectories(Path.of(args[1])) : Files.createTempDirectory("search-node");
        SearchNode node = new SearchNode(settings(port, home));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(10, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException e) {
                System.err.println("search node: closing failed: " + e);
            } finally {
                stopped.countDown();
            }
        }, "search-node-shutdown"));
        node.start();
        System.out.println("search node listening on http://127.0.0.1:" + port);
        System.out.flush();
        stopped.await();
    }
}
