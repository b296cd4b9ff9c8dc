import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import App from './App.vue';
import { get, session } from './api.js';
import { router } from './router.js';
import './style.css';

// who is signed in is known before the first route is chosen (a reload keeps its page)
get('api/session')
  .then(([user]) => (session.user = user ?? null))
  .catch(() => (session.user = null))
  .finally(() => createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app'));
