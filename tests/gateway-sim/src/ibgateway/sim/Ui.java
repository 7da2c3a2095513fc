// Owns: the small building blocks every simulated window uses: Gateway's look (fonts, colours),
// message dialogs whose buttons complete a future (so the login flow can wait for a choice on its
// own thread while Swing shows the dialog), and EDT helpers.
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.Window;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JTextArea;
import javax.swing.SwingUtilities;
import javax.swing.WindowConstants;

public final class Ui {
    public static final Color IB_RED = new Color(0xD8, 0x1F, 0x2A);
    public static final Color IB_DARK = new Color(0x2B, 0x2E, 0x33);
    public static final Color PANEL = new Color(0xF4, 0xF5, 0xF7);
    public static final Font BASE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Ui() {}

    /** Runs r on the EDT and waits (only for work that cannot open a modal). */
    public static void edt(Runnable r) {
        if (SwingUtilities.isEventDispatchThread()) {
            r.run();
            return;
        }
        try {
            SwingUtilities.invokeAndWait(r);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** Shows a window later on the EDT: setVisible(true) on a modal blocks its caller. */
    public static void showLater(Window w) {
        SwingUtilities.invokeLater(() -> w.setVisible(true));
    }

    public static void disposeLater(Window w) {
        if (w != null) SwingUtilities.invokeLater(w::dispose);
    }

    /** A dialog answered by one of its buttons; choice completes with the button text. */
    public static final class Choice {
        public final Window dialog;
        public final CompletableFuture<String> choice = new CompletableFuture<>();

        Choice(Window dialog) {
            this.dialog = dialog;
        }

        /** Waits for the answer; "" when the dialog was closed by other means. */
        public String await() {
            try {
                return choice.get();
            } catch (Exception e) {
                return "";
            }
        }

        /** Waits up to ms; null on timeout. */
        public String await(long ms) {
            try {
                return choice.get(ms, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return null;
            } catch (Exception e) {
                return "";
            }
        }

        /** Closes the dialog (from any thread) without an answer. */
        public void close() {
            choice.complete("");
            disposeLater(dialog);
        }
    }

    /** How a message window is made: a modal JDialog, a modeless JDialog, or a JFrame. */
    public enum Kind { MODAL, MODELESS, FRAME }

    /**
     * A message window: the text as JLabels (or one JTextArea when textArea is true, the way some
     * Gateway dialogs carry their message), and one JButton per button text.
     */
    public static Choice message(Window owner, String title, String text, Kind kind, boolean textArea, String... buttons) {
        final Choice[] holder = new Choice[1];
        edt(() -> {
            javax.swing.RootPaneContainer d;
            Window w;
            if (kind == Kind.FRAME) {
                javax.swing.JFrame f = new javax.swing.JFrame(title);
                f.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
                d = f;
                w = f;
            } else {
                JDialog jd = new JDialog(owner, title, kind == Kind.MODAL ? java.awt.Dialog.ModalityType.APPLICATION_MODAL : java.awt.Dialog.ModalityType.MODELESS);
                jd.setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
                d = jd;
                w = jd;
            }
            Choice c = new Choice(w);
            holder[0] = c;
            JPanel body = new JPanel(new BorderLayout(12, 12));
            body.setBorder(BorderFactory.createEmptyBorder(16, 18, 12, 18));
            JComponent msg;
            if (textArea) {
                JTextArea ta = new JTextArea(text);
                ta.setEditable(false);
                ta.setLineWrap(true);
                ta.setWrapStyleWord(true);
                ta.setOpaque(false);
                ta.setFont(BASE);
                ta.setColumns(34);
                msg = ta;
            } else {
                JPanel lines = new JPanel();
                lines.setLayout(new javax.swing.BoxLayout(lines, javax.swing.BoxLayout.Y_AXIS));
                for (String line : text.split("\n")) {
                    JLabel l = new JLabel(line);
                    l.setFont(BASE);
                    lines.add(l);
                }
                msg = lines;
            }
            body.add(msg, BorderLayout.CENTER);
            JPanel row = new JPanel(new FlowLayout(FlowLayout.RIGHT, 8, 0));
            for (String b : buttons) {
                JButton btn = Rec.button(new JButton(b));
                btn.addActionListener(e -> {
                    c.choice.complete(b);
                    w.dispose();
                });
                row.add(btn);
            }
            body.add(row, BorderLayout.SOUTH);
            d.setContentPane(body);
            w.addWindowListener(new WindowAdapter() {
                @Override public void windowClosed(WindowEvent e) {
                    c.choice.complete("");
                }
            });
            Rec.window(w);
            w.pack();
            w.setSize(new Dimension(Math.max(w.getWidth(), 340), w.getHeight()));
            w.setLocationRelativeTo(owner);
        });
        return holder[0];
    }

    /** Shows a message dialog (later on the EDT) and returns its Choice at once. */
    public static Choice show(Window owner, String title, String text, Kind kind, boolean textArea, String... buttons) {
        Choice c = message(owner, title, text, kind, textArea, buttons);
        showLater(c.dialog);
        return c;
    }

    /** A bold title label in Gateway's dark header style. */
    public static JLabel heading(String text) {
        JLabel l = new JLabel(text);
        l.setFont(BASE.deriveFont(Font.BOLD, 15f));
        return l;
    }

    public static void sleep(long ms) {
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static Component pad(JComponent c, int top, int left, int bottom, int right) {
        c.setBorder(BorderFactory.createEmptyBorder(top, left, bottom, right));
        return c;
    }
}
