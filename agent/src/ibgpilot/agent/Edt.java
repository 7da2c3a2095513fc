package ibgpilot.agent;

import java.awt.EventQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs work on the Swing event dispatch thread (EDT) without ever blocking on it unboundedly.
 *
 * Every task is posted with {@code invokeLater} and awaited with a deadline. A task that has not
 * started by its deadline is cancelled (it will never run, so a timed-out request has no late
 * side effect) and the caller gets {@code timeout}. There is no {@code invokeAndWait} anywhere:
 * a click that opens a modal dialog blocks only the EDT's nested loop, never an agent thread.
 */
final class Edt {
    private Edt() {}

    /** Work to run on the EDT; may throw {@link AgentError}. */
    interface Task<T> {
        T run() throws Exception;
    }

    private static final int PENDING = 0, STARTED = 1, CANCELLED = 2;

    /** Runs {@code task} on the EDT and waits at most {@code timeoutMs} for it to finish. */
    static <T> T call(String what, long timeoutMs, Task<T> task) throws AgentError {
        Gui.requireReady();
        if (EventQueue.isDispatchThread()) return runDirect(task);
        return call(EventQueue::invokeLater, what, timeoutMs, task);
    }

    /** Like {@link #call(String, long, Task)} on any UI thread reached through {@code post}. */
    static <T> T call(java.util.function.Consumer<Runnable> post, String what, long timeoutMs, Task<T> task)
            throws AgentError {
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicInteger state = new AtomicInteger(PENDING);
        post.accept(() -> {
            if (!state.compareAndSet(PENDING, STARTED)) return;
            try {
                result.complete(task.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return await(what, timeoutMs, result, state);
    }

    /**
     * A click-like action: {@code prepare} finds and checks the target on the EDT (its errors are
     * reported), then {@code act} performs the action in the same EDT task. Waits for the task to
     * start (up to {@code timeoutMs}, else cancelled and {@code timeout}), then at most
     * {@code settleMs} for the action to return. An action that opens a modal dialog does not
     * return until that dialog closes; the reply then says {@code returned: false}.
     */
    static <T> ClickOutcome<T> click(String what, long timeoutMs, long settleMs, Task<T> prepare,
            java.util.function.Consumer<T> act) throws AgentError {
        Gui.requireReady();
        if (EventQueue.isDispatchThread()) {
            throw new AgentError("internal", what + " was called on the EDT");
        }
        return click(EventQueue::invokeLater, what, timeoutMs, settleMs, prepare, act);
    }

    /** Like {@link #click(String, long, long, Task, java.util.function.Consumer)} through {@code post}. */
    static <T> ClickOutcome<T> click(java.util.function.Consumer<Runnable> post, String what, long timeoutMs,
            long settleMs, Task<T> prepare, java.util.function.Consumer<T> act) throws AgentError {
        CompletableFuture<T> prepared = new CompletableFuture<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        AtomicInteger state = new AtomicInteger(PENDING);
        Runnable r = () -> {
            if (!state.compareAndSet(PENDING, STARTED)) return;
            T target;
            try {
                target = prepare.run();
            } catch (Throwable t) {
                prepared.completeExceptionally(t);
                return;
            }
            prepared.complete(target);
            try {
                act.accept(target);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        };
        post.accept(r);
        T target = await(what, timeoutMs, prepared, state);
        boolean returned;
        try {
            done.get(settleMs, TimeUnit.MILLISECONDS);
            returned = true;
        } catch (TimeoutException e) {
            returned = false;
        } catch (ExecutionException e) {
            throw wrap(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentError("internal", "interrupted");
        }
        return new ClickOutcome<>(target, returned);
    }

    /** What {@link #click} learnt: the prepared target and whether the action returned in time. */
    static final class ClickOutcome<T> {
        final T target;
        final boolean returned;

        ClickOutcome(T target, boolean returned) {
            this.target = target;
            this.returned = returned;
        }
    }

    private static <T> T await(String what, long timeoutMs, CompletableFuture<T> f, AtomicInteger state)
            throws AgentError {
        try {
            try {
                return f.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (state.compareAndSet(PENDING, CANCELLED)) {
                    throw new AgentError("timeout", "the Swing event thread did not run " + what + " within "
                            + timeoutMs + " ms (is it blocked?); nothing was done");
                }
                // It started just now: give it one more bounded period to finish.
                try {
                    return f.get(timeoutMs, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e2) {
                    throw new AgentError("timeout", what + " started on the Swing event thread but did not finish within "
                            + (2 * timeoutMs) + " ms");
                }
            }
        } catch (ExecutionException e) {
            throw wrap(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentError("internal", "interrupted");
        }
    }

    private static <T> T runDirect(Task<T> task) throws AgentError {
        try {
            return task.run();
        } catch (Throwable t) {
            throw wrap("task", t);
        }
    }

    static AgentError wrap(String what, Throwable t) {
        if (t instanceof AgentError) return (AgentError) t;
        return new AgentError("internal", what + " failed: " + t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + t.getMessage().replaceAll("[\\r\\n]+", " ")));
    }
}
