package dev.lagwatch.monitor.topology;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Holds back the snapshots of a task that has just started until it has caught up with its
 * input, so that a queue never reads lower on its new owner than it did on the old one.
 *
 * <p>A task restores the state of its last commit. An owner that crashed may have published
 * more than that, from events it processed but had not committed. Those events are all before
 * the end of the input at the moment the new task starts, so once the new task has committed
 * up to that end, its counts are at least as high as anything published before.
 */
public interface PublishGate {

    /** Starts watching a task's input partitions; called when the task starts. */
    CatchUp start(Set<TopicPartition> inputs);

    /** One task's progress towards the end offsets its input had when it started. */
    interface CatchUp {

        /** Returns whether the task may publish; never blocks, and stays true once true. */
        boolean caughtUp();
    }

    /** Returns a gate that lets every task publish at once, for tests of the topology alone. */
    static PublishGate open() {
        return inputs -> () -> true;
    }
}
