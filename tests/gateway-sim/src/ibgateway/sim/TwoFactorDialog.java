// Owns: the `Second Factor Authentication` dialog (sources.md IBC 5.2, sources.md peers A4) in its variants:
// device selection (a JTextArea `Select second factor device` over a JList of ` IB Key`,
// ` Mobile Authenticator app`), code entry (`Enter <device> code` label, the unnamed field `u`,
// `OK`), IB Key push (no field) and passkey (`use your passkey device`, `Authenticate >`).
// The flow switches variants in place, as Gateway does after a device is chosen.
// Gateway 10.47+ (IBGA PR #33) may open on the push screen with a `Change security device` link;
// whether that link is a button styled as a link or a JLabel with an HTML <a> and a mouse
// listener is not recorded, so both forms exist (scenario `twofa.link`).
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.FlowLayout;
import java.awt.Window;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JTextArea;
import javax.swing.ListSelectionModel;
import javax.swing.WindowConstants;

public final class TwoFactorDialog extends JDialog {
    /** What the user did: ok (with the code or list item), cancel, authenticate, closed. */
    public static final class Action {
        public final String kind;
        public final String value;

        Action(String kind, String value) {
            this.kind = kind;
            this.value = value;
        }
    }

    private final LinkedBlockingQueue<Action> actions = new LinkedBlockingQueue<>();
    private final Predicate<String> codeOk;
    final JLabel error = new JLabel(" ");
    u code;
    JList<String> devices;
    /** TWS: the frame that shows this content instead of the dialog (TwsTwoFactorFrame). */
    java.util.function.Consumer<JPanel> host;
    /** TWS: an `Enter Read Only` button next to the others (sources.md IBC 5 #18, #19). */
    boolean readOnlyButton;

    /** The user closed the window that shows this content. */
    void closedByUser() {
        actions.add(new Action("closed", null));
    }

    public TwoFactorDialog(Window owner, Predicate<String> codeOk) {
        super(owner, Strings.TWOFA_TITLE, ModalityType.APPLICATION_MODAL);
        this.codeOk = codeOk;
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) {
                actions.add(new Action("closed", null));
            }
        });
        error.setForeground(Ui.IB_RED);
        Rec.window(this);
    }

    /** Waits up to ms (<= 0: forever) for the next action; null on timeout. */
    public Action next(long ms) {
        try {
            return ms > 0 ? actions.poll(ms, TimeUnit.MILLISECONDS) : actions.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Action("closed", null);
        }
    }

    private JPanel frame(JPanel body, String... buttons) {
        JPanel root = new JPanel(new BorderLayout(8, 8));
        root.setBorder(BorderFactory.createEmptyBorder(16, 18, 12, 18));
        JLabel head = Ui.heading(Strings.TWOFA_TITLE);
        head.setForeground(Ui.IB_DARK);
        root.add(head, BorderLayout.NORTH);
        root.add(body, BorderLayout.CENTER);
        JPanel row = new JPanel(new FlowLayout(FlowLayout.RIGHT, 8, 0));
        if (readOnlyButton) {
            JButton ro = Rec.button(new JButton(Strings.ENTER_READ_ONLY));
            ro.addActionListener(e -> actions.add(new Action("read-only", null)));
            row.add(ro);
        }
        for (String b : buttons) {
            JButton btn = Rec.button(new JButton(b));
            btn.addActionListener(e -> {
                if (b.equals("OK")) {
                    if (code != null && code.isShowing()) actions.add(new Action("ok", code.getText()));
                    else if (devices != null && devices.isShowing()) actions.add(new Action("ok", devices.getSelectedValue()));
                    else actions.add(new Action("ok", null));
                } else if (b.equals(Strings.AUTHENTICATE)) {
                    actions.add(new Action("authenticate", null));
                } else {
                    actions.add(new Action("cancel", null));
                }
            });
            row.add(btn);
        }
        root.add(row, BorderLayout.SOUTH);
        return root;
    }

    private void swap(JPanel content) {
        if (host != null) {
            host.accept(content);
            return;
        }
        Ui.edt(() -> {
            setContentPane(content);
            pack();
            setSize(Math.max(getWidth(), 420), getHeight());
            setLocationRelativeTo(getOwner());
            revalidate();
            repaint();
        });
    }

    /** Device selection: a text area over a JList, then OK. */
    public void showSelect(List<String> rows) {
        JPanel body = new JPanel(new BorderLayout(4, 6));
        JTextArea prompt = new JTextArea(Strings.SELECT_DEVICE);
        prompt.setEditable(false);
        prompt.setOpaque(false);
        prompt.setFont(Ui.BASE);
        body.add(prompt, BorderLayout.NORTH);
        devices = Rec.list(new JList<>(rows.toArray(new String[0])));
        devices.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        devices.setVisibleRowCount(Math.max(2, rows.size()));
        body.add(new JScrollPane(devices), BorderLayout.CENTER);
        code = null;
        swap(frame(body, "OK", "Cancel"));
    }

    /** Code entry for a device ("Mobile Authenticator app"). */
    public void showCode(String device) {
        JPanel body = new JPanel();
        body.setLayout(new BoxLayout(body, BoxLayout.Y_AXIS));
        JLabel prompt = new JLabel(Strings.enterCode(device));
        prompt.setFont(Ui.BASE);
        body.add(prompt);
        code = Rec.field(new u(), "2fa-code", codeOk);
        JPanel fieldRow = new JPanel(new FlowLayout(FlowLayout.LEFT, 0, 6));
        fieldRow.add(code);
        body.add(fieldRow);
        body.add(error);
        devices = null;
        swap(frame(body, "OK", "Cancel"));
    }

    /** The push message, a wrapped read-only text area as Gateway shows it. */
    private static JTextArea pushMessage() {
        JTextArea t = new JTextArea(Strings.IBKEY_PUSH);
        t.setEditable(false);
        t.setOpaque(false);
        t.setLineWrap(true);
        t.setWrapStyleWord(true);
        t.setColumns(32);
        return t;
    }

    public void showPush() {
        JPanel body = new JPanel(new BorderLayout());
        body.add(pushMessage(), BorderLayout.CENTER);
        code = null;
        devices = null;
        swap(frame(body, "Cancel"));
    }

    /**
     * The 10.47+ push screen: the push message and a `Change security device` link, either a
     * JButton painted as a link ("button") or a JLabel with an HTML anchor that only a mouse
     * listener makes clickable ("label"). Activating it asks the flow for the device list.
     */
    public void showPushFirst(String linkForm) {
        JPanel body = new JPanel(new BorderLayout(4, 8));
        body.add(pushMessage(), BorderLayout.CENTER);
        JPanel linkRow = new JPanel(new FlowLayout(FlowLayout.LEFT, 0, 0));
        if ("button".equals(linkForm)) {
            JButton link = Rec.button(new JButton(Strings.CHANGE_DEVICE));
            link.setBorderPainted(false);
            link.setContentAreaFilled(false);
            link.setFocusPainted(false);
            link.setForeground(new Color(0x1A, 0x5F, 0xB4));
            link.addActionListener(e -> actions.add(new Action("change-device", null)));
            linkRow.add(link);
        } else {
            JLabel link = new JLabel("<html><a href=\"#\">" + Strings.CHANGE_DEVICE + "</a></html>");
            link.setCursor(java.awt.Cursor.getPredefinedCursor(java.awt.Cursor.HAND_CURSOR));
            link.addMouseListener(new java.awt.event.MouseAdapter() {
                @Override public void mouseClicked(java.awt.event.MouseEvent e) {
                    EventLog.emit("link-click", "window", Rec.windowOf(link), "link", Strings.CHANGE_DEVICE);
                    actions.add(new Action("change-device", null));
                }
            });
            linkRow.add(link);
        }
        body.add(linkRow, BorderLayout.SOUTH);
        code = null;
        devices = null;
        swap(frame(body, "Cancel"));
    }

    public void showPasskey() {
        JPanel body = new JPanel(new BorderLayout());
        JLabel l = new JLabel(Strings.PASSKEY);
        body.add(l, BorderLayout.CENTER);
        code = null;
        devices = null;
        swap(frame(body, Strings.AUTHENTICATE, "Cancel"));
    }

    /** After a wrong code: the error line, an empty field, ready for another try. */
    public void rejectCode() {
        Ui.edt(() -> {
            error.setText(Strings.TWOFA_WRONG);
            error.setForeground(Color.RED);
            if (code != null) Rec.quietly(() -> code.setText(""));
        });
    }
}
