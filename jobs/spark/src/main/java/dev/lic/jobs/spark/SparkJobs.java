package dev.lic.jobs.spark;

import java.util.function.Function;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Building the session and the settings both jobs share. */
public final class SparkJobs {
    /** Spark's setting for the least number of splits a file scan is cut into. */
    static final String MIN_PARTITIONS = "spark.sql.files.minPartitionNum";

    private SparkJobs() {}

    /**
     * The session for {@code appName}: on the master given by spark-submit ({@code spark.master}), else on
     * {@code master}, else in local mode on every core ({@code local[*]}).
     */
    public static SparkSession session(String appName, String master) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (!new SparkConf().contains("spark.master")) {
            builder.master("local[*]");
        }
        return builder.getOrCreate();
    }

    /**
     * Runs {@code work} in {@link #session}; stops the session afterwards unless it was there before (a
     * caller's own, as in tests).
     */
    static <T> T withSession(String appName, String master, Function<SparkSession, T> work) {
        boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
        SparkSession session = session(appName, master);
        try {
            return work.apply(session);
        } finally {
            if (!existed) {
                session.stop();
            }
        }
    }

    /**
     * Spark packs small files into few splits (by bytes: 24 Kodak PNGs fit one), but here the work per file
     * is large: cut the input into at least {@code partitions} splits (0: four per core), so every core gets
     * work and a slow image delays few others. A value set by the user ({@code --conf}) is kept.
     */
    static void splitInputs(SparkSession spark, int partitions) {
        if (partitions > 0) {
            spark.conf().set(MIN_PARTITIONS, String.valueOf(partitions));
        } else if (!spark.conf().contains(MIN_PARTITIONS)) {
            spark.conf().set(MIN_PARTITIONS, String.valueOf(4 * spark.sparkContext().defaultParallelism()));
        }
    }
}
