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
     * The jar executors load the job from when {@code lic-spark} (not spark-submit) runs against a cluster
     * master: the launcher names the cluster jar here.
     */
    static final String CLUSTER_JAR_PROPERTY = "lic.spark.cluster-jar";

    /**
     * The session for {@code appName}: on {@code master} if given, else on the one spark-submit gives
     * ({@code spark.master}), else in local mode on every core ({@code local[*]}). Against a cluster master
     * without {@code spark.jars}, the executors get the jar {@link #CLUSTER_JAR_PROPERTY} names.
     */
    public static SparkSession session(String appName, String master) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        if (master != null) {
            builder.master(master);
        } else if (!conf.contains("spark.master")) {
            builder.master("local[*]");
        }
        String effective = master != null ? master : conf.get("spark.master", "local[*]");
        String clusterJar = System.getProperty(CLUSTER_JAR_PROPERTY);
        if (!effective.startsWith("local") && clusterJar != null && !conf.contains("spark.jars")) {
            builder.config("spark.jars", clusterJar);
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
