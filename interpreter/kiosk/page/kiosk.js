// The stall's two-sided screen. Plain JavaScript, no build step and no library: the
// stall device has no network, and this file is all the page runs.
//
// The server sends events over one WebSocket (/ws): hello, settings, status, partial,
// turn, history, press, error (see interpreter/kiosk/protocol.py for the schema). The
// page sends press and settings. A turn in the deal log is keyed by its number; one the
// log could not write ("saved": false) by its own count, "unsaved", and shown marked.
// Everything a party reads is written with textContent, never as HTML: a transcript is
// whatever someone said.
//
// A stall's session can last a day (thousands of turns), and status and partial events
// come several times a turn: what one event costs the page must not grow with the
// conversation. A new turn is added to the end of each half; only a history, a change of
// settings or of session, or a turn out of order builds the conversation again. A half
// shows the newest `shown_turns` turns (the hello says how many; the server sends no more
// in a history); the deal sheet has them all.
"use strict";

(() => {
  const PARTIES = ["merchant", "buyer"];
  const RTL = new Set(["ar", "fa", "he", "ur"]);
  const HOLD_MS = 350; // shorter than this is a tap: the button stays down until the next tap
  const FLIP_KEY = "interpreter.kiosk.flipBuyer";
  const TOKEN_KEY = "interpreter.kiosk.token";
  // A conversation scrolled to within this much of its end is following the newest turn.
  const END_SLACK_PX = 24;

  // The page's own words, in each language the interpreter speaks.
  const STRINGS = {
    en: {
      hold: "Hold to talk", hint: "or tap to start, tap again to finish",
      talking: "Speak now", release: "release to finish", tapEnd: "tap to finish",
      other: "The other side is speaking",
      listening: "Listening", hearing: "Hearing", thinking: "Thinking", speaking: "Speaking",
      offline: "Reconnecting…", empty: "Press the button and speak.",
      justSpeak: "Just speak.",
      sayAgain: "Not sure — please say it again", sayNumberAgain: "Please say the number again", you: "You",
      merchant: "Merchant", buyer: "Buyer", latency: "Last reply", sec: "s",
      settings: "Settings", merchantLanguage: "Merchant's language",
      buyerLanguage: "Buyer's language", voice: "Voice", textOnly: "text only",
      apply: "Apply", nextTurn: "Takes effect from the next turn.", close: "Close",
      deal: "Deal sheet", scan: "Scan to open the deal sheet on your phone.",
      lanOnly: "Phones can open it only when the kiosk runs with --lan.",
      noDeal: "Nothing has been said yet.", pairing: "Pairing",
      pairingHint: "Open this address on another device on the stall's network:",
      flip: "Turn around", refused: "Not accepted",
      notSaved: "Not saved in the deal log",
    },
    zh: {
      hold: "按住说话", hint: "或轻点开始，再点一下结束",
      talking: "请说话", release: "松开结束", tapEnd: "再点一下结束",
      other: "对方正在说话",
      listening: "待命", hearing: "正在听", thinking: "翻译中", speaking: "播放中",
      offline: "正在重新连接…", empty: "按下按钮，然后说话。",
      justSpeak: "请直接说话。",
      sayAgain: "没听清，请再说一遍", sayNumberAgain: "数字没听清，请再说一遍数字", you: "您",
      merchant: "商家", buyer: "买家", latency: "上次响应", sec: "秒",
      settings: "设置", merchantLanguage: "商家语言", buyerLanguage: "买家语言",
      voice: "语音", textOnly: "仅文字", apply: "应用", nextTurn: "从下一轮开始生效。",
      close: "关闭", deal: "交易记录", scan: "扫码在手机上打开交易记录。",
      lanOnly: "只有以 --lan 启动时，手机才能打开。", noDeal: "还没有对话。",
      pairing: "配对", pairingHint: "在本摊位网络中的其他设备上打开这个地址：",
      flip: "翻转", refused: "未接受",
      notSaved: "未保存到交易记录",
    },
    es: {
      hold: "Mantén pulsado para hablar", hint: "o toca para empezar y otra vez para terminar",
      talking: "Habla ahora", release: "suelta para terminar", tapEnd: "toca para terminar",
      other: "La otra persona está hablando",
      listening: "Escuchando", hearing: "Oyendo", thinking: "Traduciendo", speaking: "Hablando",
      offline: "Reconectando…", empty: "Pulsa el botón y habla.",
      justSpeak: "Habla cuando quieras.",
      sayAgain: "No estoy seguro: por favor, repítelo", sayNumberAgain: "Por favor, repita el número", you: "Usted",
      merchant: "Vendedor", buyer: "Comprador", latency: "Última respuesta", sec: "s",
      settings: "Ajustes", merchantLanguage: "Idioma del vendedor",
      buyerLanguage: "Idioma del comprador", voice: "Voz", textOnly: "solo texto",
      apply: "Aplicar", nextTurn: "Se aplica desde el siguiente turno.", close: "Cerrar",
      deal: "Hoja del trato", scan: "Escanea para abrir la hoja del trato en tu teléfono.",
      lanOnly: "Los teléfonos solo pueden abrirla si el quiosco funciona con --lan.",
      noDeal: "Todavía no se ha dicho nada.", pairing: "Emparejar",
      pairingHint: "Abre esta dirección en otro dispositivo de la red del puesto:",
      flip: "Girar", refused: "No aceptado",
      notSaved: "No guardado en el registro del trato",
    },
    ru: {
      hold: "Удерживайте и говорите", hint: "или нажмите, чтобы начать, и ещё раз, чтобы закончить",
      talking: "Говорите", release: "отпустите, чтобы закончить", tapEnd: "нажмите, чтобы закончить",
      other: "Говорит собеседник",
      listening: "Жду речи", hearing: "Слышу", thinking: "Перевожу", speaking: "Говорю",
      offline: "Переподключение…", empty: "Нажмите кнопку и говорите.",
      justSpeak: "Просто говорите.",
      sayAgain: "Не уверен — повторите, пожалуйста", sayNumberAgain: "Повторите, пожалуйста, число", you: "Вы",
      merchant: "Продавец", buyer: "Покупатель", latency: "Последний ответ", sec: "с",
      settings: "Настройки", merchantLanguage: "Язык продавца",
      buyerLanguage: "Язык покупателя", voice: "Голос", textOnly: "только текст",
      apply: "Применить", nextTurn: "Действует со следующей реплики.", close: "Закрыть",
      deal: "Запись сделки", scan: "Отсканируйте, чтобы открыть запись сделки на телефоне.",
      lanOnly: "Телефон откроет её, только если киоск запущен с --lan.",
      noDeal: "Пока ничего не сказано.", pairing: "Подключение",
      pairingHint: "Откройте этот адрес на другом устройстве в сети киоска:",
      flip: "Перевернуть", refused: "Не принято",
      notSaved: "Не сохранено в записи сделки",
    },
    ar: {
      hold: "اضغط مع الاستمرار للتحدث", hint: "أو انقر للبدء ثم انقر مرة أخرى للإنهاء",
      talking: "تحدث الآن", release: "اترك الزر للإنهاء", tapEnd: "انقر للإنهاء",
      other: "الطرف الآخر يتحدث",
      listening: "في الانتظار", hearing: "أسمع", thinking: "أترجم", speaking: "أتكلم",
      offline: "جارٍ إعادة الاتصال…", empty: "اضغط الزر وتحدث.",
      justSpeak: "تحدث متى شئت.",
      sayAgain: "غير متأكد — من فضلك أعد ما قلته", sayNumberAgain: "من فضلك أعد قول الرقم", you: "أنت",
      merchant: "التاجر", buyer: "المشتري", latency: "آخر رد", sec: "ث",
      settings: "الإعدادات", merchantLanguage: "لغة التاجر", buyerLanguage: "لغة المشتري",
      voice: "الصوت", textOnly: "نص فقط", apply: "تطبيق", nextTurn: "يسري من الدور التالي.",
      close: "إغلاق", deal: "ورقة الصفقة", scan: "امسح الرمز لفتح ورقة الصفقة على هاتفك.",
      lanOnly: "لا تفتحها الهواتف إلا إذا عمل الجهاز مع --lan.",
      noDeal: "لم يُقل شيء بعد.", pairing: "الاقتران",
      pairingHint: "افتح هذا العنوان على جهاز آخر في شبكة المتجر:",
      flip: "اقلب", refused: "غير مقبول",
      notSaved: "لم يُحفظ في سجل الصفقة",
    },
    fr: {
      hold: "Maintenez pour parler", hint: "ou touchez pour commencer, puis encore pour finir",
      talking: "Parlez", release: "relâchez pour finir", tapEnd: "touchez pour finir",
      other: "L'autre personne parle",
      listening: "À l'écoute", hearing: "J'entends", thinking: "Je traduis", speaking: "Je parle",
      offline: "Reconnexion…", empty: "Appuyez sur le bouton et parlez.",
      justSpeak: "Parlez quand vous voulez.",
      sayAgain: "Pas sûr — répétez, s'il vous plaît", sayNumberAgain: "Répétez le nombre, s'il vous plaît", you: "Vous",
      merchant: "Marchand", buyer: "Acheteur", latency: "Dernière réponse", sec: "s",
      settings: "Réglages", merchantLanguage: "Langue du marchand",
      buyerLanguage: "Langue de l'acheteur", voice: "Voix", textOnly: "texte seul",
      apply: "Appliquer", nextTurn: "S'applique dès le prochain tour.", close: "Fermer",
      deal: "Fiche de l'accord", scan: "Scannez pour ouvrir la fiche sur votre téléphone.",
      lanOnly: "Un téléphone ne l'ouvre que si le kiosque tourne avec --lan.",
      noDeal: "Rien n'a encore été dit.", pairing: "Appairage",
      pairingHint: "Ouvrez cette adresse sur un autre appareil du réseau du stand :",
      flip: "Retourner", refused: "Refusé",
      notSaved: "Non enregistré dans la fiche",
    },
    pt: {
      hold: "Segure para falar", hint: "ou toque para começar e de novo para terminar",
      talking: "Fale agora", release: "solte para terminar", tapEnd: "toque para terminar",
      other: "A outra pessoa está falando",
      listening: "Ouvindo", hearing: "Escutando", thinking: "Traduzindo", speaking: "Falando",
      offline: "Reconectando…", empty: "Aperte o botão e fale.",
      justSpeak: "Fale quando quiser.",
      sayAgain: "Não entendi bem — repita, por favor", sayNumberAgain: "Repita o número, por favor", you: "Você",
      merchant: "Vendedor", buyer: "Comprador", latency: "Última resposta", sec: "s",
      settings: "Configurações", merchantLanguage: "Idioma do vendedor",
      buyerLanguage: "Idioma do comprador", voice: "Voz", textOnly: "só texto",
      apply: "Aplicar", nextTurn: "Vale a partir da próxima vez.", close: "Fechar",
      deal: "Folha do negócio", scan: "Escaneie para abrir a folha no seu celular.",
      lanOnly: "O celular só abre se o quiosque rodar com --lan.",
      noDeal: "Nada foi dito ainda.", pairing: "Pareamento",
      pairingHint: "Abra este endereço em outro aparelho na rede da banca:",
      flip: "Virar", refused: "Não aceito",
      notSaved: "Não salvo no registro do negócio",
    },
    it: {
      hold: "Tieni premuto per parlare", hint: "o tocca per iniziare e di nuovo per finire",
      talking: "Parla ora", release: "rilascia per finire", tapEnd: "tocca per finire",
      other: "Sta parlando l'altra persona",
      listening: "In ascolto", hearing: "Sento", thinking: "Traduco", speaking: "Parlo",
      offline: "Riconnessione…", empty: "Premi il pulsante e parla.",
      justSpeak: "Parla quando vuoi.",
      sayAgain: "Non sono sicuro — ripeti, per favore", sayNumberAgain: "Ripeti il numero, per favore", you: "Lei",
      merchant: "Venditore", buyer: "Acquirente", latency: "Ultima risposta", sec: "s",
      settings: "Impostazioni", merchantLanguage: "Lingua del venditore",
      buyerLanguage: "Lingua dell'acquirente", voice: "Voce", textOnly: "solo testo",
      apply: "Applica", nextTurn: "Vale dal prossimo turno.", close: "Chiudi",
      deal: "Foglio dell'accordo", scan: "Scansiona per aprire il foglio sul telefono.",
      lanOnly: "Il telefono lo apre solo se il chiosco gira con --lan.",
      noDeal: "Non è ancora stato detto nulla.", pairing: "Abbinamento",
      pairingHint: "Apri questo indirizzo su un altro dispositivo della rete del banco:",
      flip: "Capovolgi", refused: "Non accettato",
      notSaved: "Non salvato nel registro",
    },
    de: {
      hold: "Zum Sprechen gedrückt halten", hint: "oder tippen zum Starten, nochmal zum Beenden",
      talking: "Jetzt sprechen", release: "loslassen zum Beenden", tapEnd: "tippen zum Beenden",
      other: "Die andere Seite spricht",
      listening: "Bereit", hearing: "Höre", thinking: "Übersetze", speaking: "Spreche",
      offline: "Verbinde neu…", empty: "Knopf drücken und sprechen.",
      justSpeak: "Einfach sprechen.",
      sayAgain: "Unsicher — bitte noch einmal sagen", sayNumberAgain: "Bitte die Zahl noch einmal sagen", you: "Sie",
      merchant: "Händler", buyer: "Käufer", latency: "Letzte Antwort", sec: "s",
      settings: "Einstellungen", merchantLanguage: "Sprache des Händlers",
      buyerLanguage: "Sprache des Käufers", voice: "Stimme", textOnly: "nur Text",
      apply: "Übernehmen", nextTurn: "Gilt ab dem nächsten Beitrag.", close: "Schließen",
      deal: "Geschäftsblatt", scan: "Scannen, um das Blatt auf dem Handy zu öffnen.",
      lanOnly: "Ein Handy öffnet es nur, wenn der Kiosk mit --lan läuft.",
      noDeal: "Noch wurde nichts gesagt.", pairing: "Kopplung",
      pairingHint: "Diese Adresse auf einem anderen Gerät im Netz des Stands öffnen:",
      flip: "Umdrehen", refused: "Nicht angenommen",
      notSaved: "Nicht im Geschäftsblatt gespeichert",
    },
  };

  const state = {
    settings: null, // the latest settings event
    firstPaint: null, // what the server wrote into the page, until the settings come
    session: null,
    turns: new Map(), // turnKey(turn) -> turn, for the current session
    status: { state: "listening", last_latency_ms: null },
    partial: null,
    lan: false,
    pairing: null,
    pressed: { merchant: false, buyer: false },
    shownTurns: 200, // until the hello says
    newest: null, // the last turn in the order things were said
  };
  // What an event changed in the conversation: nothing, one turn at its end, or ALL.
  const ALL = "all";

  let socket = null;
  let retryMs = 500;
  const halves = {};

  // -- the pairing token: from the address once, then from this tab's storage ---------

  const token = (() => {
    const url = new URL(window.location.href);
    const given = url.searchParams.get("token");
    if (given) {
      try { sessionStorage.setItem(TOKEN_KEY, given); } catch (e) { /* private mode */ }
      url.searchParams.delete("token");
      // Off the address bar (the server has set its cookie); a reload still works.
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
      return given;
    }
    try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; }
  })();

  function withToken(path) {
    if (!token) return path;
    return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }

  // -- words ---------------------------------------------------------------------------

  // What the server wrote into the page for its first paint (app.py): each party's
  // language and its name, and how turns are taken.
  function firstPaint() {
    const given = document.getElementById("kiosk").dataset;
    const names = {};
    names[given.merchantLanguage] = given.merchantName;
    names[given.buyerLanguage] = given.buyerName;
    return {
      merchant_language: given.merchantLanguage || "en",
      buyer_language: given.buyerLanguage || "en",
      language_names: names,
      mode: given.mode || "push-to-talk",
    };
  }

  // The settings the page shows: the server's latest, or those it was painted with.
  function shownSettings() {
    return state.settings || state.firstPaint;
  }

  function languageOf(party) {
    const shown = shownSettings();
    return (shown && shown[party + "_language"]) || "en";
  }

  // Hands-free: the endpointer hears who speaks, and there is no button to press.
  function handsFree() {
    const shown = shownSettings();
    return Boolean(shown && shown.mode === "conversation");
  }

  function t(lang, key) {
    const table = STRINGS[lang] || STRINGS.en;
    return table[key] !== undefined ? table[key] : STRINGS.en[key];
  }

  function languageName(code) {
    const shown = shownSettings();
    const names = (shown && shown.language_names) || {};
    return names[code] || code;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // -- building the halves -----------------------------------------------------------------

  function build(party) {
    const root = document.getElementById("half-" + party);
    root.append(document.getElementById("half-template").content.cloneNode(true));
    root.querySelector("[data-role=tools]").append(
      document.getElementById(party + "-tools").content.cloneNode(true),
    );
    if (party === "merchant") {
      root.append(document.getElementById("merchant-panels").content.cloneNode(true));
    }
    const role = (name) => root.querySelector(`[data-role="${name}"]`);
    const half = { party, root, role, mode: "idle", downAt: 0, swallowUp: false };
    wireButton(half);
    followConversation(half);
    if (party === "buyer") {
      role("flip").addEventListener("click", () => {
        const flipped = !root.classList.contains("flipped");
        root.classList.toggle("flipped", flipped);
        try { localStorage.setItem(FLIP_KEY, flipped ? "1" : "0"); } catch (e) { /* ignore */ }
      });
      try { root.classList.toggle("flipped", localStorage.getItem(FLIP_KEY) === "1"); } catch (e) { /* ignore */ }
    } else {
      role("open-settings").addEventListener("click", () => openSettings(half));
      role("close-settings").addEventListener("click", () => { role("settings-panel").hidden = true; });
      role("apply").addEventListener("click", () => applySettings(half));
      role("merchant-language").addEventListener("change", () => fillVoices(half));
      role("buyer-language").addEventListener("change", () => fillVoices(half));
      role("open-deal").addEventListener("click", () => openDeal(half));
      role("close-deal").addEventListener("click", () => { role("deal-panel").hidden = true; });
    }
    halves[party] = half;
  }

  // -- push to talk: hold it, or tap once to start and once to finish -----------------------

  function wireButton(half) {
    const button = half.role("talk");
    const down = () => {
      if (half.mode === "latched") {
        press(half, false);
        half.swallowUp = true;
      } else if (half.mode === "idle") {
        press(half, true);
        half.mode = "holding";
        half.downAt = performance.now();
      }
    };
    const up = () => {
      if (half.swallowUp) { half.swallowUp = false; return; }
      if (half.mode !== "holding") return;
      if (performance.now() - half.downAt < HOLD_MS) {
        half.mode = "latched";
        renderButton(half);
      } else {
        press(half, false);
      }
    };
    const cancel = () => {
      half.swallowUp = false;
      if (half.mode === "holding") press(half, false);
    };
    button.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      event.preventDefault();
      try { button.setPointerCapture(event.pointerId); } catch (e) { /* ignore */ }
      down();
    });
    button.addEventListener("pointerup", up);
    button.addEventListener("pointercancel", cancel);
    button.addEventListener("contextmenu", (event) => event.preventDefault());
    button.addEventListener("keydown", (event) => {
      if ((event.key === " " || event.key === "Enter") && !event.repeat) {
        event.preventDefault();
        down();
      }
    });
    button.addEventListener("keyup", (event) => {
      if (event.key === " " || event.key === "Enter") { event.preventDefault(); up(); }
    });
  }

  function press(half, isDown) {
    half.mode = isDown ? "holding" : "idle";
    state.pressed[half.party] = isDown;
    send({ type: "press", party: half.party, down: isDown });
    renderButton(half);
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // -- keeping the newest turn in view --------------------------------------------------------
  //
  // A half shows the newest turn, and keeps it in view as turns come and as the layout
  // settles (the number band or the partial text taking room, the window resized, a
  // turn laid out again), unless its reader has scrolled back to an earlier turn: the
  // half then stays where they are until they scroll back to the end.

  function followConversation(half) {
    const box = half.role("conversation");
    half.following = true;
    half.scrolledTo = null; // where the page itself last scrolled the box to
    box.addEventListener("scroll", () => {
      if (box.scrollTop === half.scrolledTo) return; // the page's own scroll
      half.following = atEnd(box);
    });
    half.layout = new ResizeObserver(() => showNewest(half));
  }

  function atEnd(box) {
    return box.scrollHeight - box.scrollTop - box.clientHeight <= END_SLACK_PX;
  }

  function showNewest(half) {
    if (!half.following) return;
    const box = half.role("conversation");
    box.scrollTop = box.scrollHeight;
    half.scrolledTo = box.scrollTop;
  }

  // Told of every change of size of the box and of its newest turn, and once as soon as
  // each is laid out (the page re-renders often; one turn is all it watches).
  function watchLayout(half, newest) {
    half.layout.disconnect();
    half.layout.observe(half.role("conversation"));
    half.layout.observe(newest);
  }

  // -- rendering ----------------------------------------------------------------------------

  // Everything but the conversation is redrawn on each event (a few nodes each); the
  // conversation as `change` says: built again (ALL), one turn added, or left alone.
  function renderAll(change) {
    document.getElementById("kiosk").dataset.mode = handsFree() ? "conversation" : "push-to-talk";
    const ordered = change === ALL ? orderTurns() : null;
    for (const party of PARTIES) {
      const half = halves[party];
      const lang = languageOf(party);
      half.root.lang = lang;
      half.root.dir = RTL.has(lang) ? "rtl" : "ltr";
      half.role("offline-text").textContent = t(lang, "offline");
      if (party === "buyer") {
        labelTool(half.role("flip"), "⟲", t(lang, "flip"));
      } else {
        labelTool(half.role("open-settings"), "⚙", t(lang, "settings"));
        labelTool(half.role("open-deal"), "▦", t(lang, "deal"));
        renderPairing(half);
      }
      renderStatus(half);
      renderButton(half);
      renderPartial(half);
      if (ordered) renderConversation(half, ordered);
      else if (change) addTurn(half, change);
    }
  }

  // A tool button: its sign, and its word (hidden on a narrow screen, kept for readers).
  function labelTool(button, sign, word) {
    button.replaceChildren(el("span", "tool-sign", sign), el("span", "tool-text", " " + word));
    button.title = word;
    button.setAttribute("aria-label", word);
  }

  function renderStatus(half) {
    const lang = languageOf(half.party);
    const current = state.status.state;
    half.root.dataset.state = current;
    half.role("state-text").textContent = t(lang, current);
    const pair = [languageOf("merchant"), languageOf("buyer")];
    half.role("pair").textContent = pair.map(languageName).join(" ⇄ ");
    const ms = state.status.last_latency_ms;
    const latency = half.role("latency");
    if (ms === null || ms === undefined) {
      latency.replaceChildren();
    } else {
      latency.replaceChildren(
        el("span", "latency-label", t(lang, "latency") + " "),
        el("span", "", `${(ms / 1000).toFixed(1)} ${t(lang, "sec")}`),
      );
    }
  }

  function renderButton(half) {
    const lang = languageOf(half.party);
    const button = half.role("talk");
    const mine = half.mode !== "idle" || state.pressed[half.party];
    const other = PARTIES.find((p) => p !== half.party);
    button.classList.toggle("active", mine);
    button.classList.toggle("other", !mine && state.pressed[other]);
    button.setAttribute("aria-pressed", mine ? "true" : "false");
    if (mine) {
      half.role("talk-label").textContent = t(lang, "talking");
      half.role("talk-hint").textContent = t(lang, half.mode === "latched" ? "tapEnd" : "release");
    } else if (state.pressed[other]) {
      half.role("talk-label").textContent = t(lang, "hold");
      half.role("talk-hint").textContent = t(lang, "other");
    } else {
      half.role("talk-label").textContent = t(lang, "hold");
      half.role("talk-hint").textContent = t(lang, "hint");
    }
  }

  function renderPartial(half) {
    const node = half.role("partial");
    const partial = state.partial;
    if (!partial || !partial.text) {
      node.hidden = true;
      node.textContent = "";
      return;
    }
    node.hidden = false;
    node.textContent = partial.text;
    node.lang = partial.language || "";
    node.dir = "auto";
    node.classList.toggle("own", partial.party === half.party);
  }

  function renderPairing(half) {
    const node = half.role("pairing");
    node.replaceChildren();
    node.hidden = !state.pairing;
    if (!state.pairing) return;
    const lang = languageOf(half.party);
    node.append(el("span", "", t(lang, "pairing") + ": "), el("b", "", state.pairing.token));
    node.append(el("span", "", " · "), el("span", "mono", state.pairing.url));
  }

  // A logged turn by its number in the log; one the log could not write by its own
  // count (it carries the number of the logged turn after it, so that number is not its).
  function turnKey(turn) {
    if (turn.saved === false) return "unsaved-" + String(turn.unsaved ?? turn.time_utc);
    return "turn-" + String(turn.turn_number);
  }

  // The order things were said: by number, an unsaved turn before the logged turn whose
  // number it carries (hub.py's conversation_order).
  function inOrder(a, b) {
    const order = (turn) => [turn.turn_number, turn.saved === false ? 0 : 1, turn.unsaved || 0];
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
    return 0;
  }

  // Which text a half's reader reads big: what was said to them (the translation), or
  // what they said themselves (their transcript).
  function ownTurn(turn, party) {
    if (turn.party) return turn.party === party;
    return turn.source_language === languageOf(party);
  }

  function numberViews(turn, own) {
    const paired = turn.numbers_said.length === turn.numbers.length;
    return turn.numbers.map((translated, i) => {
      const said = paired ? turn.numbers_said[i] : "";
      if (own && said) return { big: said, bigLang: turn.source_language, small: translated, smallLang: turn.target_language };
      return { big: translated, bigLang: turn.target_language, small: said, smallLang: turn.source_language };
    });
  }

  function numberNodes(views) {
    return views.map((view) => {
      const node = el("span", "num");
      const big = el("b", "", view.big);
      big.lang = view.bigLang;
      big.dir = "auto";
      node.append(big);
      if (view.small && view.small !== view.big) {
        const small = el("small", "", view.small);
        small.lang = view.smallLang;
        small.dir = "auto";
        node.append(small);
      }
      return node;
    });
  }

  function turnNode(turn, half) {
    const lang = languageOf(half.party);
    const own = ownTurn(turn, half.party);
    const unsaved = turn.saved === false;
    const classes = ["turn", own && "own", turn.unsure && "unsure", unsaved && "unsaved"];
    const node = el("article", classes.filter(Boolean).join(" "));
    node.dataset.turn = String(turn.turn_number);
    node.dataset.key = turnKey(turn);
    const speaker = own ? t(lang, "you") : (turn.party ? t(lang, turn.party) : "");
    const time = new Date(turn.time_utc);
    const clock = isNaN(time) ? "" : time.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    node.append(el("div", "who", [speaker, clock].filter(Boolean).join(" · ")));
    const bigText = own ? turn.transcript : turn.translation || turn.transcript;
    const smallText = own ? turn.translation : turn.transcript;
    const big = el("p", "big", bigText);
    big.lang = own ? turn.source_language : turn.target_language;
    big.dir = "auto";
    node.append(big);
    if (smallText && smallText !== bigText) {
      const small = el("p", "small", smallText);
      small.lang = own ? turn.target_language : turn.source_language;
      small.dir = "auto";
      node.append(small);
    }
    if (turn.numbers.length) {
      const nums = el("div", "nums");
      nums.append(...numberNodes(numberViews(turn, own)));
      node.append(nums);
    }
    if (turn.unsure) {
      const again = turn.doubt === "number" ? "sayNumberAgain" : "sayAgain";
      node.append(el("p", "again", "⚠ " + t(lang, again)));
    }
    if (unsaved) node.append(el("p", "not-saved", "⚠ " + t(lang, "notSaved")));
    return node;
  }

  // The newest turns in the order said, at most `shownTurns`; the map is kept in that order
  // so that the oldest is the first to go.
  function orderTurns() {
    const ordered = [...state.turns.values()].sort(inOrder).slice(-state.shownTurns);
    state.turns = new Map(ordered.map((turn) => [turnKey(turn), turn]));
    state.newest = ordered.length ? ordered[ordered.length - 1] : null;
    return ordered;
  }

  // A turn said after every turn shown: kept, and the oldest let go past `shownTurns`.
  function keepNewest(turn) {
    state.turns.set(turnKey(turn), turn);
    state.newest = turn;
    while (state.turns.size > state.shownTurns) state.turns.delete(state.turns.keys().next().value);
  }

  function renderConversation(half, ordered) {
    const lang = languageOf(half.party);
    const box = half.role("conversation");
    const nodes = ordered.map((turn) => turnNode(turn, half));
    const waiting = handsFree() ? "justSpeak" : "empty"; // hands-free, nothing to press
    if (!nodes.length) nodes.push(el("p", "empty", t(lang, waiting)));
    const readingAt = box.scrollTop;
    box.replaceChildren(...nodes);
    renderBand(half, ordered[ordered.length - 1]);
    // The band is in place: the room left for the conversation is known.
    if (half.following) showNewest(half);
    else box.scrollTop = readingAt;
    watchLayout(half, nodes[nodes.length - 1]);
  }

  // One turn more at the end of a half: the turns already shown are left as they are.
  function addTurn(half, turn) {
    const box = half.role("conversation");
    const node = turnNode(turn, half);
    const readingAt = box.scrollTop;
    for (const empty of box.querySelectorAll(":scope > p.empty")) empty.remove();
    box.append(node);
    while (box.childElementCount > state.shownTurns) box.firstElementChild.remove();
    renderBand(half, turn);
    if (half.following) showNewest(half);
    else box.scrollTop = readingAt;
    watchLayout(half, node);
  }

  function renderBand(half, last) {
    const lang = languageOf(half.party);
    const band = half.role("band");
    if (last && last.numbers.length) {
      band.replaceChildren(...numberNodes(numberViews(last, ownTurn(last, half.party))));
      // The amount on show is not in the deal log: said so beside it.
      if (last.saved === false) band.append(el("span", "not-saved", "⚠ " + t(lang, "notSaved")));
      band.classList.toggle("unsaved", last.saved === false);
      band.hidden = false;
    } else {
      band.replaceChildren();
      band.hidden = true;
    }
  }

  function toast(text) {
    for (const party of PARTIES) {
      const half = halves[party];
      const node = half.role("toast");
      node.textContent = t(languageOf(party), "refused") + ": " + text;
      node.hidden = false;
      clearTimeout(half.toastTimer);
      half.toastTimer = setTimeout(() => { node.hidden = true; }, 5000);
    }
  }

  // -- the merchant's panels --------------------------------------------------------------

  function fillSelect(select, options, chosen) {
    select.replaceChildren(...options.map(([value, label]) => {
      const option = el("option", "", label);
      option.value = value;
      option.selected = value === chosen;
      return option;
    }));
  }

  function openSettings(half) {
    if (!state.settings) return;
    const lang = languageOf("merchant");
    const s = state.settings;
    half.role("deal-panel").hidden = true;
    half.role("settings-title").textContent = t(lang, "settings");
    half.role("merchant-language-label").textContent = t(lang, "merchantLanguage");
    half.role("buyer-language-label").textContent = t(lang, "buyerLanguage");
    half.role("next-turn").textContent = t(lang, "nextTurn");
    half.role("apply").textContent = t(lang, "apply");
    half.role("close-settings").textContent = t(lang, "close");
    const options = s.languages.map((code) => [code, `${languageName(code)} (${code})`]);
    fillSelect(half.role("merchant-language"), options, s.merchant_language);
    fillSelect(half.role("buyer-language"), options, s.buyer_language);
    fillVoices(half);
    const box = half.role("pairing-box");
    box.hidden = !state.pairing;
    if (state.pairing) {
      half.role("pairing-title").textContent = t(lang, "pairing") + ": " + state.pairing.token;
      half.role("pairing-hint").textContent = t(lang, "pairingHint");
      half.role("pairing-url").textContent = state.pairing.url;
    }
    half.role("settings-panel").hidden = false;
  }

  function fillVoices(half) {
    const lang = languageOf("merchant");
    const box = half.role("voices");
    const s = state.settings;
    const codes = [half.role("merchant-language").value, half.role("buyer-language").value];
    box.replaceChildren();
    for (const code of new Set(codes)) {
      const choices = (s.voice_choices && s.voice_choices[code]) || [];
      if (!choices.length) continue;
      const label = el("label");
      label.append(el("span", "", `${t(lang, "voice")} · ${languageName(code)}`));
      const select = el("select");
      select.dataset.language = code;
      fillSelect(select, choices.map((v) => [v, v || t(lang, "textOnly")]), s.voices[code]);
      label.append(select);
      box.append(label);
    }
  }

  function applySettings(half) {
    const pair = [half.role("merchant-language").value, half.role("buyer-language").value];
    const voices = {};
    for (const select of half.role("voices").querySelectorAll("select")) {
      voices[select.dataset.language] = select.value;
    }
    send({ type: "settings", pair, voices });
    half.role("settings-panel").hidden = true;
  }

  async function openDeal(half) {
    const lang = languageOf("merchant");
    half.role("settings-panel").hidden = true;
    half.role("deal-title").textContent = t(lang, "deal");
    half.role("close-deal").textContent = t(lang, "close");
    const qr = half.role("deal-qr");
    qr.removeAttribute("src");
    half.role("deal-url").textContent = "";
    half.role("deal-scan").textContent = "";
    half.role("deal-note").textContent = "";
    half.role("deal-panel").hidden = false;
    // The deal sheet is the log's: turns it could not write are not on it.
    const logged = [...state.turns.values()].some((turn) => turn.saved !== false);
    if (!state.session || !logged) {
      half.role("deal-scan").textContent = t(lang, "noDeal");
      return;
    }
    try {
      const response = await fetch(withToken("/link/" + encodeURIComponent(state.session)));
      if (!response.ok) throw new Error(await response.text());
      const link = await response.json();
      half.role("deal-scan").textContent = t(lang, "scan");
      qr.alt = link.url;
      qr.src = withToken(link.qr);
      half.role("deal-url").textContent = link.url;
      if (!link.lan) half.role("deal-note").textContent = t(lang, "lanOnly");
    } catch (error) {
      half.role("deal-scan").textContent = t(lang, "noDeal");
    }
  }

  // -- events from the server ------------------------------------------------------------

  // Whether the session shown changed (its turns are then let go).
  function showSession(session) {
    if (session === state.session) return false;
    state.session = session;
    state.turns = new Map();
    state.newest = null;
    // Which session the conversation shown is (read by benchmarks/soak.py's watcher).
    document.body.dataset.session = session || "";
    return true;
  }

  // Each handler says what it changed in the conversation (see ALL); most change nothing.
  const handlers = {
    hello(message) {
      state.lan = message.lan;
      state.pairing = message.pairing;
      if (Number.isInteger(message.shown_turns) && message.shown_turns > 0) {
        state.shownTurns = message.shown_turns;
      }
      return showSession(message.session) ? ALL : null;
    },
    settings(message) {
      state.settings = message;
      return ALL; // the languages, and so every turn's words, may have changed
    },
    status(message) {
      state.status = message;
      if (message.state === "listening") state.partial = null;
      return null;
    },
    partial(message) {
      state.partial = message.text ? message : null;
      return null;
    },
    history(message) {
      showSession(message.session);
      state.turns = new Map(message.turns.map((turn) => [turnKey(turn), turn]));
      return ALL;
    },
    turn(message) {
      const turn = message.turn;
      const newSession = showSession(turn.session_id);
      state.partial = null;
      const known = state.turns.has(turnKey(turn));
      if (newSession || known || (state.newest && inOrder(state.newest, turn) > 0)) {
        state.turns.set(turnKey(turn), turn);
        return ALL; // shown again, or said before a turn already shown
      }
      keepNewest(turn);
      return turn;
    },
    press(message) {
      state.pressed[message.party] = message.down;
      const half = halves[message.party];
      // Released elsewhere (another screen, or the server): this button is up too.
      if (!message.down && half && half.mode !== "idle") {
        half.mode = "idle";
        half.swallowUp = false;
      }
    },
    error(message) {
      toast(message.message || message.code);
      return null;
    },
    pong() { return null; },
  };

  function onMessage(event) {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    const handler = handlers[message.type];
    if (!handler) return;
    renderAll(handler(message));
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(withToken(`${scheme}://${window.location.host}/ws`));
    socket.addEventListener("open", () => {
      retryMs = 500;
      document.body.dataset.connected = "1";
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", () => {
      document.body.dataset.connected = "0";
      socket = null;
      // A button held when the line dropped is up now (the server releases it too).
      for (const party of PARTIES) {
        halves[party].mode = "idle";
        state.pressed[party] = false;
      }
      renderAll(null);
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    });
  }

  function start() {
    state.firstPaint = firstPaint();
    for (const party of PARTIES) build(party);
    renderAll(ALL);
    connect();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
