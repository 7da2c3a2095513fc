package ibgpilot.agent;

import java.awt.Component;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.AbstractButton;
import javax.swing.JComboBox;
import javax.swing.JLabel;
import javax.swing.JList;
import javax.swing.JPasswordField;
import javax.swing.JTree;
import javax.swing.ListCellRenderer;
import javax.swing.ListModel;
import javax.swing.text.JTextComponent;
import javax.swing.tree.TreeModel;
import javax.swing.tree.TreePath;

/**
 * The component tree of a Swing window as plain maps (ComponentNode in lib/ui/port.ts). Runs on
 * the EDT; serialisation happens afterwards on an agent thread. Password fields appear only as
 * their length.
 */
final class Snapshot {
    private Snapshot() {}

    static final int MAX_NODES = 5000;
    static final int MAX_ITEMS = 200;

    /** Builds the tree below {@code root}. */
    static Map<String, Object> of(Component root) {
        int[] budget = {MAX_NODES};
        Map<String, Object> tree = node(root, budget, 0);
        if (budget[0] <= 0) tree.put("truncated", true);
        return tree;
    }

    private static Map<String, Object> node(Component c, int[] budget, int depth) {
        budget[0]--;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", Finder.role(c));
        m.put("type", c.getClass().getSimpleName());
        m.put("name", c.getName());
        String text = Finder.text(c);
        String acc = Finder.accessibleName(c);
        if (c instanceof JPasswordField) {
            char[] pw = ((JPasswordField) c).getPassword();
            m.put("passwordLength", pw.length);
            java.util.Arrays.fill(pw, '\0');
        } else if (text != null) {
            m.put("text", text);
        }
        if (acc != null && !acc.isEmpty() && !acc.equals(text) && !(c instanceof JTextComponent && acc.equals(((JTextComponent) c).getText()))) {
            m.put("accessibleName", acc);
        }
        m.put("enabled", c.isEnabled());
        m.put("showing", c.isShowing());
        if (c instanceof AbstractButton && Finder.isToggle(c)) m.put("selected", ((AbstractButton) c).isSelected());
        if (c instanceof JTextComponent) m.put("editable", ((JTextComponent) c).isEditable());
        if (c instanceof JLabel && ((JLabel) c).getLabelFor() != null) {
            Component f = ((JLabel) c).getLabelFor();
            m.put("labelFor", f.getName() != null ? f.getName() : f.getClass().getSimpleName());
        }
        List<Object> children = new ArrayList<>();
        if (c instanceof JList) {
            JList<?> list = (JList<?>) c;
            List<Object> items = listItems(list);
            m.put("items", items);
            for (int i = 0; i < items.size(); i++) {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("role", "listitem");
                item.put("type", "item");
                item.put("text", items.get(i));
                item.put("enabled", list.isEnabled());
                item.put("showing", list.isShowing());
                item.put("selected", list.isSelectedIndex(i));
                item.put("children", new ArrayList<>());
                children.add(item);
            }
        } else if (c instanceof JComboBox) {
            JComboBox<?> combo = (JComboBox<?>) c;
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < combo.getItemCount() && i < MAX_ITEMS; i++) items.add(itemText(combo.getItemAt(i)));
            m.put("items", items);
            Object sel = combo.getSelectedItem();
            if (sel != null && !(combo.isEditable())) m.put("text", itemText(sel));
        } else if (c instanceof JTree) {
            JTree tree = (JTree) c;
            TreeModel model = tree.getModel();
            Object root = model == null ? null : model.getRoot();
            if (root != null) {
                List<Object> top = new ArrayList<>();
                for (int i = 0; i < model.getChildCount(root) && i < MAX_ITEMS; i++) {
                    top.add(nodeText(tree, model.getChild(root, i)));
                }
                m.put("items", top);
                int[] treeBudget = {Math.min(MAX_ITEMS * 2, Math.max(budget[0], 0))};
                for (int i = 0; i < model.getChildCount(root); i++) {
                    if (treeBudget[0] <= 0) break;
                    Object child = model.getChild(root, i);
                    children.add(treeNode(tree, model, new TreePath(root).pathByAddingChild(child), treeBudget, 0));
                }
                budget[0] -= children.size();
            }
        }
        if (depth < 60) {
            for (Component child : Finder.children(c)) {
                if (budget[0] <= 0) break;
                children.add(node(child, budget, depth + 1));
            }
        }
        m.put("children", children);
        return m;
    }

    private static Map<String, Object> treeNode(JTree tree, TreeModel model, TreePath path, int[] budget, int depth) {
        budget[0]--;
        Object value = path.getLastPathComponent();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("role", "treenode");
        m.put("type", "node");
        m.put("text", nodeText(tree, value));
        m.put("enabled", tree.isEnabled());
        m.put("showing", tree.isShowing() && tree.isVisible(path));
        m.put("selected", tree.isPathSelected(path));
        List<Object> children = new ArrayList<>();
        if (depth < 20) {
            for (int i = 0; i < model.getChildCount(value) && budget[0] > 0; i++) {
                children.add(treeNode(tree, model, path.pathByAddingChild(model.getChild(value, i)), budget, depth + 1));
            }
        }
        m.put("children", children);
        return m;
    }

    static String nodeText(JTree tree, Object value) {
        String s = tree.convertValueToText(value, false, false, true, 0, false);
        return Finder.display(s == null ? String.valueOf(value) : s);
    }

    /** The rendered text of each list item (the renderer's label text when it is a label). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<Object> listItems(JList<?> list) {
        List<Object> items = new ArrayList<>();
        ListModel<?> model = list.getModel();
        ListCellRenderer renderer = list.getCellRenderer();
        for (int i = 0; i < model.getSize() && i < MAX_ITEMS; i++) {
            Object v = model.getElementAt(i);
            String text = null;
            if (renderer != null) {
                try {
                    Component r = renderer.getListCellRendererComponent((JList) list, v, i, false, false);
                    if (r instanceof JLabel) text = Finder.display(((JLabel) r).getText());
                } catch (RuntimeException e) {
                    text = null;
                }
            }
            items.add(text != null && !text.isEmpty() ? text : itemText(v));
        }
        return items;
    }

    static String itemText(Object v) {
        return v == null ? "" : Finder.display(String.valueOf(v));
    }
}
