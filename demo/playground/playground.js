// The playground page: pick a member, run the bot's slash commands, press its buttons, watch what it sends.
// Everything the bot sends is untrusted text (titles, names): it only ever reaches the page through textContent
// and DOM nodes built here, never as markup.

const $ = (id) => document.getElementById(id);

const OptionType = { String: 3, Integer: 4, Boolean: 5, User: 6, Channel: 7, Number: 10 };
const ButtonStyleClass = { 1: 'primary', 2: 'secondary', 3: 'success', 4: 'danger', 5: 'link' };
const AUTOCOMPLETE_DEBOUNCE_MS = 250;

const state = {
  setup: null,
  memberKey: 'alice',
  channelId: null,
  snapshot: { messages: [], unanswered: [], discord: [], anilist: [], budget: { used: 0, limit: 30, rejected: 0 } },
  command: null,
  suggestionIndex: 0,
};

// --- small DOM helpers --------------------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function safeUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function externalLink(href, text, className) {
  const a = el('a', className, text);
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

function me() {
  return state.setup.members.find((member) => member.key === state.memberKey);
}

function memberById(id) {
  return state.setup?.members.find((member) => member.id === id);
}

function compareSnowflakes(a, b) {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

async function api(path, body) {
  const response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || `The playground answered ${response.status}.`);
  return answer;
}

// --- Discord markdown, the part the bot uses ----------------------------------------------------------------------

const ESCAPABLE = /[\\*_`~|>#\-[\]()<:@!.+=]/;
const INLINE_PAIRS = [
  ['**', 'strong'],
  ['__', 'u'],
  ['~~', 's'],
  ['||', 'spoiler'],
  ['*', 'em'],
  ['_', 'em'],
];

function appendMarkdown(parent, text) {
  const lines = String(text).split('\n');
  lines.forEach((line, index) => {
    if (index > 0) parent.append(document.createElement('br'));
    const quote = /^> (.*)$/.exec(line);
    if (quote) {
      const block = el('span', 'quote');
      appendInline(block, quote[1]);
      parent.append(block);
    } else {
      appendInline(parent, line);
    }
  });
}

function appendInline(parent, text) {
  let plain = '';
  const flush = () => {
    if (plain) parent.append(document.createTextNode(plain));
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const char = text[i];
    if (char === '\\' && i + 1 < text.length && ESCAPABLE.test(text[i + 1])) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (char === '`') {
      const end = text.indexOf('`', i + 1);
      if (end > i + 1) {
        flush();
        parent.append(el('code', null, text.slice(i + 1, end)));
        i = end + 1;
        continue;
      }
    }
    const link = /^\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/.exec(rest);
    if (link && safeUrl(link[2])) {
      flush();
      const a = externalLink(safeUrl(link[2]), '');
      appendInline(a, link[1]);
      parent.append(a);
      i += link[0].length;
      continue;
    }
    const mention = /^<@!?(\d+)>/.exec(rest);
    if (mention) {
      flush();
      const member = memberById(mention[1]);
      parent.append(el('span', 'mention', `@${member ? member.displayName : 'unknown member'}`));
      i += mention[0].length;
      continue;
    }
    const timestamp = /^<t:(-?\d+)(?::([tTdDfFR]))?>/.exec(rest);
    if (timestamp) {
      flush();
      const date = new Date(Number(timestamp[1]) * 1000);
      const long = timestamp[2] === 'D' || timestamp[2] === 'F';
      parent.append(el('time', 'timestamp', long ? date.toLocaleDateString(undefined, { dateStyle: 'long' }) : date.toLocaleString()));
      i += timestamp[0].length;
      continue;
    }
    const bare = /^https?:\/\/[^\s<>]+/.exec(rest);
    if (bare && (i === 0 || /\s/.test(text[i - 1])) && safeUrl(bare[0])) {
      flush();
      parent.append(externalLink(safeUrl(bare[0]), bare[0]));
      i += bare[0].length;
      continue;
    }
    const pair = INLINE_PAIRS.find(([marker]) => rest.startsWith(marker));
    if (pair) {
      const [marker, kind] = pair;
      const end = text.indexOf(marker, i + marker.length);
      if (end > i + marker.length && !/\s/.test(text[i + marker.length])) {
        flush();
        const node = kind === 'spoiler' ? el('span', 'spoiler') : el(kind);
        if (kind === 'spoiler') node.addEventListener('click', () => node.classList.add('revealed'));
        appendInline(node, text.slice(i + marker.length, end));
        parent.append(node);
        i = end + marker.length;
        continue;
      }
    }
    plain += char;
    i += 1;
  }
  flush();
}

// --- the feed -----------------------------------------------------------------------------------------------------

function visibleItems() {
  const { messages, unanswered } = state.snapshot;
  const mine = me().id;
  const items = [];
  for (const message of messages) {
    if (message.channelId !== state.channelId) continue;
    if (message.ephemeral && message.invokerId !== mine) continue;
    items.push({ key: `m${message.id}`, order: message.id, render: () => renderMessage(message), signature: JSON.stringify(message) });
  }
  for (const item of unanswered) {
    if (item.channelId !== state.channelId || item.invokerId !== mine) continue;
    items.push({ key: `u${item.interactionId}`, order: item.interactionId, render: () => renderUnanswered(item), signature: JSON.stringify(item) });
  }
  return items.sort((a, b) => compareSnowflakes(a.order, b.order));
}

function renderFeed() {
  const feed = $('feed');
  const atBottom = feed.scrollTop + feed.clientHeight >= feed.scrollHeight - 60;
  const existing = new Map([...feed.children].filter((node) => node.dataset.key).map((node) => [node.dataset.key, node]));
  const items = visibleItems();
  let previous = feed.querySelector('.intro');
  for (const item of items) {
    let node = existing.get(item.key);
    existing.delete(item.key);
    if (!node || node.dataset.signature !== item.signature) {
      const fresh = item.render();
      fresh.dataset.key = item.key;
      fresh.dataset.signature = item.signature;
      if (node) {
        fresh.classList.add('changed');
        node.replaceWith(fresh);
      }
      node = fresh;
    }
    if (previous.nextSibling !== node) previous.after(node);
    previous = node;
  }
  for (const stale of existing.values()) stale.remove();
  if (atBottom) feed.scrollTop = feed.scrollHeight;
}

function renderIntro() {
  const intro = el('li', 'intro');
  intro.append(el('h2', null, `Welcome to #${channelName()}`));
  const text = el('p');
  appendMarkdown(
    text,
    'This is the real anilink bot, running on your machine against a fake Discord and a fake AniList. ' +
      'Pick who you are on the left, then type `/` below to see its commands. ' +
      'Start with `/link` as Alice, then try `/list`, `/update` and `/profile`.',
  );
  intro.append(text);
  const linked = state.setup.members.filter((member) => member.prelinked).map((member) => member.displayName);
  if (linked.length > 0) intro.append(el('p', 'hint', `${linked.join(' and ')} linked their AniList accounts already.`));
  return intro;
}

function avatar(name, className) {
  const node = el('span', `avatar ${className || ''}`, (name || '?').slice(0, 1).toUpperCase());
  node.setAttribute('aria-hidden', 'true');
  return node;
}

function renderMessage(message) {
  const item = el('li', 'message');
  item.dataset.messageId = message.id;
  if (message.ephemeral) item.classList.add('ephemeral');
  const invoker = memberById(message.invokerId);
  if (message.command) {
    const context = el('div', 'reply-context');
    context.append(avatar(invoker?.displayName, 'tiny'));
    context.append(el('span', 'who', invoker ? invoker.displayName : 'Someone'));
    context.append(document.createTextNode(message.fromComponent ? ' used a button on ' : ' used '));
    context.append(el('span', 'command-name', `/${message.command}`));
    item.append(context);
  }
  const main = el('div', 'message-main');
  main.append(avatar(state.setup.bot.name, 'bot'));
  const body = el('div', 'message-body');
  const header = el('div', 'message-header');
  header.append(el('span', 'author', state.setup.bot.name), el('span', 'app-tag', 'APP'));
  const time = el('time', 'sent-at', new Date(message.timestamp).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = message.timestamp;
  header.append(time);
  body.append(header);

  if (message.loading) {
    body.append(el('div', 'thinking', `${state.setup.bot.name} is thinking…`));
  } else if (message.content) {
    const content = el('div', 'content');
    appendMarkdown(content, message.content);
    if (message.edited) content.append(el('span', 'edited', ' (edited)'));
    body.append(content);
  } else if (message.edited) {
    body.append(el('span', 'edited', '(edited)'));
  }
  for (const embed of message.embeds) body.append(renderEmbed(embed));
  if (message.components.length > 0) body.append(renderComponents(message));
  if (message.ephemeral) {
    const note = el('div', 'ephemeral-note');
    note.append(el('span', 'eye', '👁'), document.createTextNode(' Only you can see this'));
    body.append(note);
  }
  main.append(body);
  item.append(main);
  return item;
}

function renderEmbed(embed) {
  const box = el('div', 'embed');
  if (embed.color !== null) box.style.borderLeftColor = `#${embed.color.toString(16).padStart(6, '0')}`;
  if (embed.author) box.append(el('div', 'embed-author', embed.author));
  if (embed.title) {
    const title = el('div', 'embed-title');
    const href = embed.url ? safeUrl(embed.url) : null;
    if (href) {
      const a = externalLink(href, '');
      appendInline(a, embed.title);
      title.append(a);
    } else {
      appendInline(title, embed.title);
    }
    box.append(title);
  }
  if (embed.description) {
    const description = el('div', 'embed-description');
    appendMarkdown(description, embed.description);
    box.append(description);
  }
  if (embed.fields.length > 0) {
    const fields = el('div', 'embed-fields');
    for (const field of embed.fields) {
      const cell = el('div', field.inline ? 'embed-field inline' : 'embed-field');
      const name = el('div', 'embed-field-name');
      appendInline(name, field.name);
      const value = el('div', 'embed-field-value');
      appendMarkdown(value, field.value);
      cell.append(name, value);
      fields.append(cell);
    }
    box.append(fields);
  }
  if (embed.footer) box.append(el('div', 'embed-footer', embed.footer));
  return box;
}

function renderComponents(message) {
  const container = el('div', 'components');
  for (const row of message.components) {
    const line = el('div', 'component-row');
    for (const component of row.components || [row]) {
      if (component.type !== 2) {
        line.append(el('span', 'unsupported', `(a component of type ${component.type} the playground cannot show)`));
        continue;
      }
      const label = `${component.emoji ? `${component.emoji} ` : ''}${component.label}`;
      if (component.style === 5) {
        const href = safeUrl(component.url);
        if (href) line.append(externalLink(href, `${label} ↗`, 'button link'));
        continue;
      }
      const button = el('button', `button ${ButtonStyleClass[component.style] || 'secondary'}`, label);
      button.type = 'button';
      button.disabled = component.disabled;
      button.addEventListener('click', () => pressButton(message.id, component.customId, button));
      line.append(button);
    }
    container.append(line);
  }
  return container;
}

function renderUnanswered(item) {
  const node = el('li', 'message unanswered');
  node.append(el('div', 'unanswered-text', `${state.setup.bot.name} did not respond to ${item.what} in time. (Only you can see this.)`));
  return node;
}

async function pressButton(messageId, customId, button) {
  button.disabled = true;
  try {
    await api('/api/components', { member: state.memberKey, messageId, customId });
  } catch (error) {
    showError(error.message);
    button.disabled = false;
  }
}

// --- traffic and budget -------------------------------------------------------------------------------------------

let lastTraffic = '';

function renderInspector() {
  const { budget, discord, anilist } = state.snapshot;
  const meter = $('budget-meter');
  meter.max = budget.limit;
  meter.high = Math.round(budget.limit * 0.8);
  meter.value = budget.used;
  $('budget-text').textContent =
    `${budget.used} of ${budget.limit} requests in the last minute` + (budget.rejected > 0 ? `, ${budget.rejected} refused (429)` : '');
  const signature = JSON.stringify([discord, anilist]);
  if (signature === lastTraffic) return;
  lastTraffic = signature;
  renderTraffic($('discord-traffic'), discord);
  renderTraffic($('anilist-traffic'), anilist);
}

function renderTraffic(list, lines) {
  list.replaceChildren(
    ...lines
      .slice()
      .reverse()
      .map((line) => {
        const item = el('li', line.status >= 400 ? 'failed' : '');
        item.append(
          el('time', 'at', new Date(line.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })),
          el('span', 'method', line.method),
          el('span', 'status', line.status || '…'),
          el('span', 'note', line.note || ''),
          el('code', 'target', line.target),
        );
        return item;
      }),
  );
}

// --- the composer -------------------------------------------------------------------------------------------------

function showError(message) {
  const box = $('composer-error');
  box.textContent = message;
  box.hidden = !message;
}

function matchingCommands() {
  const typed = $('composer-input').value;
  if (!typed.startsWith('/')) return [];
  const word = typed.slice(1).trim().split(/\s+/)[0].toLowerCase();
  return state.setup.commands.filter((command) => command.name.startsWith(word));
}

function renderCommandSuggestions() {
  const list = $('command-suggestions');
  const commands = matchingCommands();
  list.hidden = commands.length === 0;
  state.suggestionIndex = Math.min(state.suggestionIndex, Math.max(0, commands.length - 1));
  list.replaceChildren(
    ...commands.map((command, index) => {
      const item = el('li', index === state.suggestionIndex ? 'suggestion active' : 'suggestion');
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', String(index === state.suggestionIndex));
      item.append(el('span', 'command-name', `/${command.name}`), el('span', 'description', command.description));
      item.addEventListener('mousedown', (event) => {
        event.preventDefault();
        pickCommand(command);
      });
      return item;
    }),
  );
}

function pickCommand(command) {
  state.command = command;
  const input = $('composer-input');
  input.value = '';
  input.hidden = true;
  $('command-suggestions').hidden = true;
  showError('');
  renderCommandForm();
  const first = $('command-form').querySelector('input, select');
  (first || $('send')).focus();
}

function leaveCommand() {
  state.command = null;
  $('command-form').hidden = true;
  $('command-form').replaceChildren();
  const input = $('composer-input');
  input.hidden = false;
  input.focus();
}

function renderCommandForm() {
  const form = $('command-form');
  const command = state.command;
  const head = el('div', 'command-head');
  head.append(el('span', 'command-chip', `/${command.name}`), el('span', 'description', command.description));
  const cancel = el('button', 'cancel', '×');
  cancel.type = 'button';
  cancel.setAttribute('aria-label', 'Cancel the command');
  cancel.addEventListener('click', leaveCommand);
  head.append(cancel);
  const options = el('div', 'options');
  const ordered = [...command.options].sort((a, b) => Number(b.required) - Number(a.required));
  for (const option of ordered) options.append(renderOptionField(option));
  form.replaceChildren(head, options);
  form.hidden = false;
}

function selectControl(option, entries) {
  const select = el('select');
  const empty = el('option', null, option.required ? 'Pick one' : '—');
  empty.value = '';
  if (option.required) empty.disabled = true;
  empty.selected = true;
  select.append(empty);
  for (const [value, label] of entries) {
    const choice = el('option', null, label);
    choice.value = String(value);
    select.append(choice);
  }
  return select;
}

function renderOptionField(option) {
  const field = el('label', 'option');
  field.dataset.option = option.name;
  const name = el('span', 'option-name', option.name);
  if (option.required) name.append(el('span', 'required', '*'));
  field.append(name);
  let control;
  if (option.autocomplete) {
    control = autocompleteControl(option, field);
  } else if (option.choices.length > 0) {
    control = selectControl(option, option.choices.map((choice) => [choice.value, choice.name]));
  } else if (option.type === OptionType.Integer || option.type === OptionType.Number) {
    control = el('input');
    control.type = 'number';
    control.step = option.type === OptionType.Integer ? '1' : 'any';
    if (option.minValue !== null) control.min = String(option.minValue);
    if (option.maxValue !== null) control.max = String(option.maxValue);
  } else if (option.type === OptionType.Boolean) {
    control = selectControl(option, [['true', 'True'], ['false', 'False']]);
  } else if (option.type === OptionType.User) {
    control = selectControl(option, state.setup.members.map((member) => [member.id, `${member.displayName} (@${member.username})`]));
  } else if (option.type === OptionType.Channel) {
    control = selectControl(option, state.setup.channels.map((channel) => [channel.id, `#${channel.name}`]));
  } else {
    control = el('input');
    control.type = 'text';
    if (option.maxLength !== null) control.maxLength = option.maxLength;
  }
  control.classList.add('control');
  control.title = option.description;
  if (control.tagName === 'INPUT') control.placeholder = option.description;
  name.after(control);
  return field;
}

function autocompleteControl(option, field) {
  const input = el('input');
  input.type = 'text';
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  if (option.maxLength !== null) input.maxLength = option.maxLength;
  const list = el('ul', 'choices');
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  field.append(list);
  let timer;
  let asked = 0;
  const ask = async () => {
    const ticket = ++asked;
    list.hidden = false;
    list.replaceChildren(el('li', 'choice-status', 'Asking anilink…'));
    try {
      const answer = await api('/api/autocomplete', { ...commandBody(), focused: option.name, options: collectOptions() });
      if (ticket !== asked) return;
      if (answer.choices.length === 0) {
        list.replaceChildren(el('li', 'choice-status', answer.problem || 'No suggestions.'));
        return;
      }
      list.replaceChildren(
        ...answer.choices.map((choice, index) => {
          const item = el('li', index === 0 ? 'choice active' : 'choice', choice.name);
          item.setAttribute('role', 'option');
          item.addEventListener('mousedown', (event) => {
            event.preventDefault();
            pick(choice);
          });
          return item;
        }),
      );
      list.choices = answer.choices;
    } catch (error) {
      if (ticket === asked) list.replaceChildren(el('li', 'choice-status', error.message));
    }
  };
  const pick = (choice) => {
    input.value = choice.name;
    input.dataset.value = choice.value;
    list.hidden = true;
    asked += 1;
  };
  input.addEventListener('input', () => {
    delete input.dataset.value;
    clearTimeout(timer);
    timer = setTimeout(ask, AUTOCOMPLETE_DEBOUNCE_MS);
  });
  input.addEventListener('focus', () => {
    if (input.dataset.value === undefined) void ask();
  });
  input.addEventListener('blur', () => {
    list.hidden = true;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !list.hidden && list.choices?.length > 0) {
      event.preventDefault();
      pick(list.choices[0]);
    } else if (event.key === 'Escape') {
      list.hidden = true;
    }
  });
  return input;
}

function commandBody() {
  return { member: state.memberKey, channelId: state.channelId, name: state.command.name };
}

/** The options filled in so far: a picked suggestion sends its value, anything else what is typed. */
function collectOptions() {
  const options = [];
  for (const field of $('command-form').querySelectorAll('.option')) {
    const control = field.querySelector('.control');
    const value = control.dataset.value !== undefined ? control.dataset.value : control.value.trim();
    if (value !== '') options.push({ name: field.dataset.option, value });
  }
  return options;
}

async function submitComposer(event) {
  event.preventDefault();
  showError('');
  if (!state.command) {
    // As in Discord, Enter on a suggestion picks the command; the next Enter sends it.
    const commands = matchingCommands();
    if (commands.length > 0) pickCommand(commands[state.suggestionIndex] || commands[0]);
    else if ($('composer-input').value.trim() !== '') showError(`${state.setup.bot.name} only answers slash commands here: type / to see them.`);
    return;
  }
  const send = $('send');
  send.disabled = true;
  try {
    await api('/api/commands', { ...commandBody(), options: collectOptions() });
    leaveCommand();
    $('feed').scrollTop = $('feed').scrollHeight;
  } catch (error) {
    showError(error.message);
  } finally {
    send.disabled = false;
  }
}

function onComposerKey(event) {
  const commands = matchingCommands();
  if (commands.length === 0) return;
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    state.suggestionIndex = (state.suggestionIndex + step + commands.length) % commands.length;
    renderCommandSuggestions();
  } else if (event.key === 'Tab') {
    event.preventDefault();
    pickCommand(commands[state.suggestionIndex] || commands[0]);
  }
}

// --- member and channel pickers -----------------------------------------------------------------------------------

function renderMembers() {
  const list = $('members');
  list.replaceChildren(
    ...state.setup.members.map((member) => {
      const item = el('li');
      const button = el('button', 'member');
      button.type = 'button';
      button.setAttribute('aria-pressed', String(member.key === state.memberKey));
      button.append(avatar(member.displayName));
      const names = el('span', 'names');
      names.append(el('span', 'display-name', member.displayName), el('span', 'username', `@${member.username}`));
      button.append(names);
      if (member.prelinked) {
        const badge = el('span', 'badge', 'linked');
        badge.title = 'Linked to AniList when the demo started';
        button.append(badge);
      }
      button.addEventListener('click', () => {
        state.memberKey = member.key;
        renderMembers();
        renderFeed();
      });
      item.append(button);
      return item;
    }),
  );
  const current = me();
  const problems = state.setup.prelinkProblems.map((problem) => `Could not link ${problem.member} at start: ${problem.problem}`);
  $('member-hint').textContent = [`On the sign-in pages you are @${current.username} on Discord and ${current.anilistName} on AniList.`, ...problems].join(' ');
}

function channelName() {
  return state.setup.channels.find((channel) => channel.id === state.channelId)?.name ?? '';
}

function renderChannels() {
  $('channels').replaceChildren(
    ...state.setup.channels.map((channel) => {
      const item = el('li');
      const button = el('button', 'channel-button');
      button.type = 'button';
      button.setAttribute('aria-current', String(channel.id === state.channelId));
      button.append(el('span', 'hash', '#'), el('span', null, channel.name));
      if (channel.nsfw) button.append(el('span', 'badge nsfw', '18+'));
      button.addEventListener('click', () => {
        state.channelId = channel.id;
        renderChannels();
        const feed = $('feed');
        feed.replaceChildren(renderIntro());
        renderFeed();
        feed.scrollTop = feed.scrollHeight;
      });
      item.append(button);
      return item;
    }),
  );
  const channel = state.setup.channels.find((candidate) => candidate.id === state.channelId);
  $('channel-name').textContent = channel.name;
  $('channel-topic').textContent = channel.nsfw ? 'NSFW channel: 18+ titles are shown here' : channel.topic || '';
  $('composer-input').placeholder = `Message #${channel.name} — type / for the bot's commands`;
}

function renderServices() {
  const { services } = state.setup;
  const rows = [
    ['The bot (its web pages)', services.bot],
    ['Fake Discord API', services.discord],
    ['Fake AniList', services.anilist],
    ['Database', 'temporary, deleted when the demo stops'],
  ];
  $('services').replaceChildren(...rows.flatMap(([term, value]) => [el('dt', null, term), el('dd', null, value)]));
}

// --- start --------------------------------------------------------------------------------------------------------

async function start() {
  const response = await fetch('/api/setup');
  state.setup = await response.json();
  state.channelId = state.setup.channels[0].id;
  $('server-name').textContent = state.setup.server;
  renderChannels();
  renderMembers();
  renderServices();
  $('feed').replaceChildren(renderIntro());

  const input = $('composer-input');
  input.addEventListener('input', () => {
    state.suggestionIndex = 0;
    renderCommandSuggestions();
    showError('');
  });
  input.addEventListener('keydown', onComposerKey);
  input.addEventListener('blur', () => {
    $('command-suggestions').hidden = true;
  });
  input.addEventListener('focus', renderCommandSuggestions);
  $('composer').addEventListener('submit', submitComposer);
  $('command-form').addEventListener('keydown', (event) => {
    if (event.key === 'Escape') leaveCommand();
  });

  const events = new EventSource('/api/events');
  events.addEventListener('message', (event) => {
    state.snapshot = JSON.parse(event.data);
    $('connection').hidden = true;
    renderFeed();
    renderInspector();
  });
  events.addEventListener('error', () => {
    $('connection').hidden = false;
  });
  input.focus();
}

start().catch((error) => {
  document.body.replaceChildren(el('p', 'fatal', `The playground could not start: ${error.message}`));
});
