// Owns: the configuration dialog (sources.md IBC 5.4-5.7, sources.md peers A4): title `... Trader Workstation
// Configuration`, a JTree Configuration > API > Settings / Precautions and Lock and Exit, a card
// per node, OK / Apply / Cancel. It edits a copy of the saved values; OK and Apply hand the
// changed keys to the flow, which persists them and records setting-changed.
package ibgateway.sim;

import java.awt.BorderLayout;
import java.awt.CardLayout;
import java.awt.Component;
import java.awt.Dimension;
import java.awt.FlowLayout;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.Window;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.BoxLayout;
import javax.swing.ButtonGroup;
import javax.swing.DefaultListModel;
import javax.swing.JButton;
import javax.swing.JCheckBox;
import javax.swing.JComboBox;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPanel;
import javax.swing.JRadioButton;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTextField;
import javax.swing.JTree;
import javax.swing.WindowConstants;
import javax.swing.tree.DefaultMutableTreeNode;
import javax.swing.tree.TreePath;

public final class ConfigDialog extends JDialog {
    final JTree tree;
    final JTextField socketPort = new JTextField(8);
    final JTextField masterClientId = new JTextField(8);
    final JCheckBox readOnly = Rec.toggle(new JCheckBox("Read-Only API"));
    /** TWS only (sources.md IBC 5.5): the API master switch; shown when the values have `enableApi`. */
    final JCheckBox enableApi = Rec.toggle(new JCheckBox("Enable ActiveX and Socket Clients"));
    private boolean hasEnableApi;
    final JCheckBox downloadOrders = Rec.toggle(new JCheckBox("Download open orders on connection"));
    final JCheckBox sendLots = Rec.toggle(new JCheckBox("Send market data in lots for US stocks for dual-mode API clients"));
    final JCheckBox localhostOnly = Rec.toggle(new JCheckBox("Allow connections from localhost only"));
    final JCheckBox apiLog = Rec.toggle(new JCheckBox("Create API message log file"));
    final JCheckBox[] precautions = new JCheckBox[Strings.PRECAUTIONS.length];
    final JTextField autoTime = new JTextField(6);
    final JRadioButton am = Rec.toggle(new JRadioButton("AM"));
    final JRadioButton pm = Rec.toggle(new JRadioButton("PM"));
    final JRadioButton autoLogoff = Rec.toggle(new JRadioButton("Auto logoff"));
    final JRadioButton autoRestart = Rec.toggle(new JRadioButton("Auto restart"));
    final JLabel autoLabel = new JLabel(Strings.AUTO_LOGOFF_LABEL);
    private final CardLayout cards = new CardLayout();
    private final JPanel right = new JPanel(cards);

    /**
     * @param values the saved values (all keys present: the flow fills defaults)
     * @param onSave receives the values as they are when OK or Apply is clicked
     */
    public ConfigDialog(Window owner, String title, Properties values, Consumer<Map<String, String>> onSave) {
        super(owner, title, ModalityType.MODELESS);
        setDefaultCloseOperation(WindowConstants.DISPOSE_ON_CLOSE);
        hasEnableApi = values.getProperty("enableApi") != null;

        DefaultMutableTreeNode root = new DefaultMutableTreeNode("Configuration");
        DefaultMutableTreeNode api = new DefaultMutableTreeNode("API");
        api.add(new DefaultMutableTreeNode("Settings"));
        api.add(new DefaultMutableTreeNode("Precautions"));
        root.add(api);
        root.add(new DefaultMutableTreeNode("Lock and Exit"));
        tree = Rec.tree(new JTree(root));
        for (int r = 0; r < tree.getRowCount(); r++) tree.expandRow(r);
        tree.addTreeSelectionListener(e -> {
            TreePath p = e.getNewLeadSelectionPath();
            if (p == null) return;
            String last = p.getLastPathComponent().toString();
            if (last.equals("API")) last = "Settings"; // old builds: the API node itself shows Settings
            if (last.equals("Configuration")) return;
            cards.show(right, last);
        });

        socketPort.setName("Socket port");
        masterClientId.setName("Master API client ID");
        Rec.field(socketPort, "socket-port", null);
        Rec.field(masterClientId, "master-client-id", null);
        Rec.field(autoTime, "auto-time", null);

        right.add(blank(), "blank");
        right.add(apiSettings(), "Settings");
        right.add(precautionsPanel(), "Precautions");
        right.add(lockAndExit(), "Lock and Exit");
        cards.show(right, "blank");

        JSplitPane split = new JSplitPane(JSplitPane.HORIZONTAL_SPLIT, new JScrollPane(tree), new JScrollPane(right));
        split.setDividerLocation(200);

        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.RIGHT));
        JButton ok = Rec.button(new JButton("OK"));
        JButton apply = Rec.button(new JButton("Apply"));
        JButton cancel = Rec.button(new JButton("Cancel"));
        ok.addActionListener(e -> {
            onSave.accept(current());
            dispose();
        });
        apply.addActionListener(e -> onSave.accept(current()));
        cancel.addActionListener(e -> dispose());
        buttons.add(ok);
        buttons.add(apply);
        buttons.add(cancel);

        JPanel content = new JPanel(new BorderLayout());
        content.add(split, BorderLayout.CENTER);
        content.add(buttons, BorderLayout.SOUTH);
        setContentPane(content);

        autoLogoff.addItemListener(e -> autoLabel.setText(autoRestart.isSelected() ? Strings.AUTO_RESTART_LABEL : Strings.AUTO_LOGOFF_LABEL));
        autoRestart.addItemListener(e -> autoLabel.setText(autoRestart.isSelected() ? Strings.AUTO_RESTART_LABEL : Strings.AUTO_LOGOFF_LABEL));
        Rec.quietly(() -> load(values));
        Rec.window(this);
        setSize(new Dimension(860, 560));
        setLocationRelativeTo(owner);
    }

    private static JPanel blank() {
        JPanel p = new JPanel(new BorderLayout());
        p.add(new JLabel("  Select a configuration page on the left."), BorderLayout.NORTH);
        return p;
    }

    private JPanel apiSettings() {
        JPanel p = new JPanel(new GridBagLayout());
        p.setBorder(BorderFactory.createEmptyBorder(12, 16, 12, 16));
        GridBagConstraints c = new GridBagConstraints();
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(3, 0, 3, 8);
        c.gridx = 0;
        int y = 0;
        c.gridwidth = 2;
        c.gridy = y++;
        p.add(Ui.heading("Settings"), c);
        if (hasEnableApi) {
            c.gridy = y++;
            p.add(enableApi, c);
        }
        for (JCheckBox b : new JCheckBox[] {readOnly, downloadOrders, sendLots, apiLog}) {
            c.gridy = y++;
            p.add(b, c);
        }
        c.gridwidth = 1;
        y = labelled(p, y, "Socket port", socketPort);
        y = labelled(p, y, "Master API client ID", masterClientId);
        JComboBox<String> level = new JComboBox<>(new String[] {"System", "Error", "Warning", "Information", "Detail"});
        level.setSelectedItem("Error");
        y = labelled(p, y, "Logging Level", level);
        c.gridwidth = 2;
        c.gridx = 0;
        c.gridy = y++;
        p.add(localhostOnly, c);
        c.gridy = y++;
        p.add(new JLabel("Trusted IPs"), c);
        DefaultListModel<String> ips = new DefaultListModel<>();
        ips.addElement("127.0.0.1");
        JList<String> trusted = new JList<>(ips);
        trusted.setVisibleRowCount(3);
        c.gridy = y++;
        c.fill = GridBagConstraints.HORIZONTAL;
        p.add(new JScrollPane(trusted), c);
        c.fill = GridBagConstraints.NONE;
        c.gridy = y++;
        p.add(Rec.button(new JButton("Reset API order ID sequence")), c);
        JPanel top = new JPanel(new BorderLayout());
        top.add(p, BorderLayout.WEST);
        JPanel page = new JPanel(new BorderLayout());
        page.add(top, BorderLayout.NORTH);
        return page;
    }

    private static int labelled(JPanel p, int y, String text, Component field) {
        GridBagConstraints c = new GridBagConstraints();
        c.anchor = GridBagConstraints.WEST;
        c.insets = new Insets(3, 0, 3, 8);
        c.gridy = y;
        c.gridx = 0;
        JLabel l = new JLabel(text);
        if (field instanceof JTextField) l.setLabelFor(field);
        p.add(l, c);
        c.gridx = 1;
        p.add(field, c);
        return y + 1;
    }

    private JPanel precautionsPanel() {
        JPanel p = new JPanel();
        p.setLayout(new BoxLayout(p, BoxLayout.Y_AXIS));
        p.setBorder(BorderFactory.createEmptyBorder(12, 16, 12, 16));
        p.add(Ui.heading("Precautions"));
        for (int k = 0; k < precautions.length; k++) {
            precautions[k] = Rec.toggle(new JCheckBox(Strings.PRECAUTIONS[k]));
            p.add(precautions[k]);
        }
        return p;
    }

    // Structure matters: IBC finds the label, goes up two containers, and there finds text field
    // #0 and the AM / PM and Auto logoff / Auto restart radios (sources.md IBC 5.7).
    private JPanel lockAndExit() {
        JPanel outer = new JPanel(new BorderLayout());
        outer.setBorder(BorderFactory.createEmptyBorder(12, 16, 12, 16));
        JPanel section = new JPanel();
        section.setLayout(new BoxLayout(section, BoxLayout.Y_AXIS));
        JPanel labelRow = new JPanel(new FlowLayout(FlowLayout.LEFT));
        labelRow.add(autoLabel);
        JPanel timeRow = new JPanel(new FlowLayout(FlowLayout.LEFT));
        timeRow.add(autoTime);
        ButtonGroup ampm = new ButtonGroup();
        ampm.add(am);
        ampm.add(pm);
        timeRow.add(am);
        timeRow.add(pm);
        JPanel actionRow = new JPanel(new FlowLayout(FlowLayout.LEFT));
        ButtonGroup action = new ButtonGroup();
        action.add(autoLogoff);
        action.add(autoRestart);
        actionRow.add(autoLogoff);
        actionRow.add(autoRestart);
        section.add(Ui.heading("Lock and Exit"));
        section.add(labelRow);
        section.add(timeRow);
        section.add(actionRow);
        outer.add(section, BorderLayout.NORTH);
        return outer;
    }

    private void load(Properties v) {
        readOnly.setSelected(Boolean.parseBoolean(v.getProperty("readOnlyApi")));
        enableApi.setSelected(Boolean.parseBoolean(v.getProperty("enableApi")));
        downloadOrders.setSelected(Boolean.parseBoolean(v.getProperty("downloadOpenOrders")));
        sendLots.setSelected(Boolean.parseBoolean(v.getProperty("sendLots")));
        localhostOnly.setSelected(Boolean.parseBoolean(v.getProperty("localhostOnly")));
        apiLog.setSelected(Boolean.parseBoolean(v.getProperty("apiLog")));
        socketPort.setText(v.getProperty("socketPort"));
        masterClientId.setText(v.getProperty("masterClientId"));
        for (int k = 0; k < precautions.length; k++) precautions[k].setSelected(Boolean.parseBoolean(v.getProperty("precaution." + (k + 1))));
        autoTime.setText(v.getProperty("autoTime"));
        ("AM".equals(v.getProperty("autoAmPm")) ? am : pm).setSelected(true);
        ("restart".equals(v.getProperty("autoAction")) ? autoRestart : autoLogoff).setSelected(true);
        autoLabel.setText(autoRestart.isSelected() ? Strings.AUTO_RESTART_LABEL : Strings.AUTO_LOGOFF_LABEL);
    }

    private Map<String, String> current() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("socketPort", socketPort.getText().trim());
        m.put("masterClientId", masterClientId.getText().trim());
        m.put("readOnlyApi", String.valueOf(readOnly.isSelected()));
        if (hasEnableApi) m.put("enableApi", String.valueOf(enableApi.isSelected()));
        m.put("downloadOpenOrders", String.valueOf(downloadOrders.isSelected()));
        m.put("sendLots", String.valueOf(sendLots.isSelected()));
        m.put("localhostOnly", String.valueOf(localhostOnly.isSelected()));
        m.put("apiLog", String.valueOf(apiLog.isSelected()));
        for (int k = 0; k < precautions.length; k++) m.put("precaution." + (k + 1), String.valueOf(precautions[k].isSelected()));
        m.put("autoTime", autoTime.getText().trim());
        m.put("autoAmPm", am.isSelected() ? "AM" : "PM");
        m.put("autoAction", autoRestart.isSelected() ? "restart" : "logoff");
        return m;
    }
}
