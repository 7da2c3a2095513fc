// Owns: the login frame (sources.md IBC 5.1, sources.md peers A4): API toggles, `Trading Mode` toggles, username
// and JPasswordField, the `Log In` / `Paper Log In` button and the "Attempt N" status label.
// In FIX CTCI mode the FIX fields are added in front, so text fields #0..#3 are FIX user, FIX
// password, API user, API password, and in IB API mode #0 and #1 are user and password.
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.Font;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JTextField;
import javax.swing.JToggleButton;
import javax.swing.WindowConstants;

public final class LoginFrame extends JFrame {
    /** What the Log In click hands to the flow (read on the EDT at the moment of the click). */
    public interface Submit {
        void login(boolean paper, boolean fix, String user, char[] password, String fixUser, char[] fixPassword);
    }

    final Strings s;
    final JToggleButton ibApi;
    final JToggleButton fixCtci;
    final JToggleButton live;
    final JToggleButton paper;
    final JTextField username = new JTextField(18);
    final JPasswordField password = new JPasswordField(18);
    final JTextField fixUsername = new JTextField(18);
    final JPasswordField fixPassword = new JPasswordField(18);
    final JButton logIn;
    final JLabel status = new JLabel(" ");
    /** TWS only (sources.md IBC 5.1): `Use/store settings on server`. */
    final javax.swing.JCheckBox storeOnServer = Rec.toggle(new javax.swing.JCheckBox(Strings.STORE_SETTINGS_ON_SERVER));
    private final JPanel form = new JPanel(new GridBagLayout());

    public LoginFrame(Strings s, String version, boolean startPaper, java.util.function.Predicate<String> passwordOk,
                      Submit submit, Runnable onClose) {
        super(s.loginTitle());
        this.s = s;
        setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        addWindowListener(new WindowAdapter() {
            @Override public void windowClosing(WindowEvent e) {
                onClose.run();
            }
        });

        JPanel root = new JPanel(new BorderLayout());
        root.setBackground(Color.WHITE);

        // Header: the IBKR wordmark and product name, like Gateway's banner.
        JPanel header = new JPanel(new FlowLayout(FlowLayout.CENTER, 6, 14));
        header.setBackground(Color.WHITE);
        JLabel ibkr = new JLabel("IBKR");
        ibkr.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 30));
        ibkr.setForeground(Ui.IB_RED);
        JLabel product = new JLabel(s.tws ? "Trader Workstation" : "Gateway");
        product.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 26));
        product.setForeground(Ui.IB_DARK);
        header.add(ibkr);
        header.add(product);
        root.add(header, BorderLayout.NORTH);

        ibApi = Rec.toggle(new JToggleButton(s.ibApi(), true));
        fixCtci = Rec.toggle(new JToggleButton(s.fixCtci()));
        ButtonGroup apiGroup = new ButtonGroup();
        apiGroup.add(ibApi);
        apiGroup.add(fixCtci);
        live = Rec.toggle(new JToggleButton(s.liveTrading(), !startPaper));
        paper = Rec.toggle(new JToggleButton(s.paperTrading(), startPaper));
        ButtonGroup modeGroup = new ButtonGroup();
        modeGroup.add(live);
        modeGroup.add(paper);
        logIn = Rec.button(new JButton(s.logIn(startPaper)));
        logIn.setBackground(new Color(0x1E, 0x6F, 0xD9));
        logIn.setForeground(Color.WHITE);
        logIn.setFont(Ui.BASE.deriveFont(Font.BOLD, 14f));
        logIn.setPreferredSize(new Dimension(240, 34));

        Rec.field(username, "username", null);
        Rec.field(password, "password", passwordOk);
        Rec.field(fixUsername, "fix-username", null);
        Rec.field(fixPassword, "fix-password", passwordOk);

        // The mode toggles change the button text the way Gateway does (Log In / Paper Log In).
        paper.addItemListener(e -> logIn.setText(s.logIn(paper.isSelected())));
        fixCtci.addItemListener(e -> layoutForm());
        logIn.addActionListener(e -> submit.login(paper.isSelected(), fixCtci.isSelected(), username.getText(),
            password.getPassword(), fixUsername.getText(), fixPassword.getPassword()));

        form.setBackground(Color.WHITE);
        form.setBorder(BorderFactory.createEmptyBorder(0, 36, 8, 36));
        layoutForm();
        root.add(form, BorderLayout.CENTER);

        JPanel foot = new JPanel(new BorderLayout());
        foot.setBackground(Color.WHITE);
        foot.setBorder(BorderFactory.createEmptyBorder(4, 36, 12, 36));
        status.setForeground(new Color(0x99, 0x33, 0x00));
        status.setFont(Ui.BASE.deriveFont(12f));
        foot.add(status, BorderLayout.NORTH);
        JLabel build = new JLabel("Build " + version + ", " + "Jan 22, 2026 4:01:12 PM");
        build.setFont(Ui.BASE.deriveFont(10f));
        build.setForeground(Color.GRAY);
        foot.add(build, BorderLayout.SOUTH);
        root.add(foot, BorderLayout.SOUTH);

        setContentPane(root);
        Rec.window(this);
        setSize(420, 470);
        setResizable(false);
        setLocationRelativeTo(null);
    }

    private void layoutForm() {
        form.removeAll();
        GridBagConstraints c = new GridBagConstraints();
        c.gridx = 0;
        c.gridwidth = 2;
        c.fill = GridBagConstraints.HORIZONTAL;
        c.insets = new Insets(4, 0, 4, 0);
        c.weightx = 1;
        int y = 0;
        if (!s.tws) { // TWS has no IB API / FIX CTCI selector
            c.gridy = y++;
            form.add(pair(ibApi, fixCtci), c);
        }
        JLabel mode = new JLabel(s.tradingMode());
        mode.setFont(Ui.BASE.deriveFont(Font.BOLD));
        c.gridy = y++;
        c.insets = new Insets(10, 0, 0, 0);
        form.add(mode, c);
        c.insets = new Insets(4, 0, 4, 0);
        c.gridy = y++;
        form.add(pair(live, paper), c);
        if (fixCtci.isSelected()) {
            y = row(y, Strings.FIX_USERNAME, fixUsername);
            y = row(y, Strings.FIX_PASSWORD, fixPassword);
        }
        y = row(y, Strings.USERNAME, username);
        y = row(y, Strings.PASSWORD, password);
        if (s.tws) {
            c.gridy = y++;
            form.add(storeOnServer, c);
        }
        c.gridy = y++;
        c.insets = new Insets(14, 0, 4, 0);
        c.fill = GridBagConstraints.NONE;
        form.add(logIn, c);
        form.revalidate();
        form.repaint();
    }

    private int row(int y, String label, JTextField field) {
        GridBagConstraints c = new GridBagConstraints();
        c.gridy = y;
        c.gridx = 0;
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(6, 0, 0, 0);
        JLabel l = new JLabel(label);
        l.setFont(Ui.BASE);
        l.setLabelFor(field);
        form.add(l, c);
        c.gridy = y + 1;
        c.gridwidth = 2;
        c.weightx = 1;
        c.fill = GridBagConstraints.HORIZONTAL;
        c.insets = new Insets(2, 0, 0, 0);
        field.setPreferredSize(new Dimension(240, 28));
        form.add(field, c);
        return y + 2;
    }

    private static JPanel pair(JToggleButton a, JToggleButton b) {
        JPanel p = new JPanel(new java.awt.GridLayout(1, 2, 0, 0));
        p.add(a);
        p.add(b);
        return p;
    }

    /**
     * TWS 1016+: this frame shows the second-factor content in place (IBC polls its label for the
     * change); returns this frame, which the flow then shows instead of a separate window.
     */
    java.awt.Window showInPlace(TwoFactorDialog content) {
        java.awt.Container login = getContentPane();
        content.readOnlyButton = true;
        content.host = panel -> Ui.edt(() -> {
            if (getContentPane() == login) loginContent = login;
            setContentPane(panel);
            revalidate();
            repaint();
        });
        return this;
    }

    private java.awt.Container loginContent;

    /** After the in-place 2FA: hidden, with its login content back for a later login. */
    void endInPlace() {
        Ui.edt(() -> {
            setVisible(false);
            if (loginContent != null) setContentPane(loginContent);
            loginContent = null;
        });
    }

    /** The "Attempt N: connecting..." label (empty string clears it). */
    public void setStatus(String text) {
        Ui.edt(() -> status.setText(text.isEmpty() ? " " : text));
    }

    public void setBusy(boolean busy) {
        Ui.edt(() -> logIn.setEnabled(!busy));
    }
}
