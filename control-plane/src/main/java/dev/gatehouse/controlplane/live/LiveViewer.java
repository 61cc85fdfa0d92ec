package dev.gatehouse.controlplane.live;

/**
 * Whoever is shown a running activity's terminal: a browser's socket ({@link LiveWatcher}) or, on a bastion node, the
 * relay that carries the activity to the control plane a browser watches from. Called with the feed's lock held, on
 * the bastion's data path: an implementation only copies and enqueues, and answers false when it is gone.
 */
public interface LiveViewer {

    boolean started(int columns, int rows);

    boolean output(byte[] data);

    boolean resized(int columns, int rows);

    void ended(String reason);
}
